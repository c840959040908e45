// Servers left behind by test runs that were killed before their teardown (a CI job cancelled, a
// terminal closed, SIGKILL): kwok clusters daemonize and the shared servers outlive their run by
// design, so nothing else stops them, and a few stale API servers and brokers load a 2-core machine
// enough to time out the next run. Each run and cluster records its owner (kube/kwok.ts OWNER_FILE);
// what belongs to a dead owner is stopped here. A live owner's servers (another run on this machine)
// are never touched.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down } from './env.js';
import { OWNER_FILE, readClusterPids } from './kube/kwok.js';
import { isAlive, signalGroup } from './process.js';

/** How deep under a tmpdir entry a cluster folder may sit (<test home>/fake-kind/kwok/clusters/<name>). */
const MAX_DEPTH = 6;

function ownerOf(dir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function clusterFolders(dir: string, depth: number, found: string[]): string[] {
  if (depth > MAX_DEPTH) return found;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  if (entries.some((entry) => entry.name === OWNER_FILE) && existsSync(join(dir, 'pids'))) found.push(dir);
  for (const entry of entries) if (entry.isDirectory() && !entry.isSymbolicLink()) clusterFolders(join(dir, entry.name), depth + 1, found);
  return found;
}

export interface Reaped {
  runs: string[];
  clusters: string[];
}

/** Stops the test servers of dead runs under `root` (the tmpdir): logclaw-test-env-* state folders, kwok clusters in logclaw-* ones. */
export async function reapAbandoned(root = tmpdir(), log: (line: string) => void = () => undefined): Promise<Reaped> {
  const reaped: Reaped = { runs: [], clusters: [] };
  const mine = (name: string) => name.startsWith('logclaw-');
  for (const name of readdirSync(root).filter(mine)) {
    const dir = join(root, name);
    for (const cluster of clusterFolders(dir, 0, [])) {
      const owner = ownerOf(cluster);
      if (owner === null || isAlive(owner)) continue;
      const pids = readClusterPids(cluster).filter(isAlive);
      pids.forEach((pid) => signalGroup(pid, 'SIGKILL'));
      rmSync(join(cluster, OWNER_FILE), { force: true });
      if (pids.length > 0) reaped.clusters.push(cluster);
    }
    const owner = name.startsWith('logclaw-test-env-') ? ownerOf(dir) : null;
    if (owner !== null && !isAlive(owner)) {
      await down({ stateDir: dir, log });
      reaped.runs.push(dir);
    }
  }
  for (const path of [...reaped.runs, ...reaped.clusters])
    log(`stopped the test servers of a run that ended without its teardown: ${path}`);
  return reaped;
}
