// The reaper stops the kwok components of a cluster whose run died, and leaves a live run's alone.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNER_FILE } from '../../scripts/test-env/kube/kwok.js';
import { isAlive } from '../../scripts/test-env/process.js';
import { reapAbandoned } from '../../scripts/test-env/reap.js';

/** A pid that belonged to a process that has exited (and been waited for). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

/** A daemon-like component: its own process group, as kwokctl's binary runtime starts them. */
function component(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

function cluster(root: string, relative: string, owner: number, pid: number): string {
  const dir = join(root, relative);
  mkdirSync(join(dir, 'pids'), { recursive: true });
  writeFileSync(join(dir, OWNER_FILE), String(owner));
  writeFileSync(join(dir, 'pids', 'kube-apiserver.pid'), String(pid));
  return dir;
}

describe('reaping the test servers of killed runs', () => {
  const pids: number[] = [];
  const roots: string[] = [];
  afterEach(() => {
    pids.filter(isAlive).forEach((pid) => process.kill(-pid, 'SIGKILL'));
    roots.forEach((root) => rmSync(root, { recursive: true, force: true }));
  });

  it("kills a dead run's cluster components, wherever under a logclaw-* folder they sit, and spares a live run's", async () => {
    const root = mkdtempSync(join(tmpdir(), 'reap-root-'));
    roots.push(root);
    const orphan = component();
    const alive = component();
    const unrelated = component();
    pids.push(orphan, alive, unrelated);
    const dead = cluster(root, 'logclaw-stack-home-1/fake-kind/kwok/clusters/c1', deadPid(), orphan);
    cluster(root, 'logclaw-doctor-kube-2/kwok/clusters/c2', process.pid, alive);
    // Not ours by name: left alone even with a dead owner.
    cluster(root, 'other-tool/clusters/c3', deadPid(), unrelated);

    const reaped = await reapAbandoned(root);

    expect(reaped.clusters).toEqual([dead]);
    await expect.poll(() => isAlive(orphan)).toBe(false);
    expect(isAlive(alive)).toBe(true);
    expect(isAlive(unrelated)).toBe(true);
    // Reaped once: a second pass finds nothing.
    expect(await reapAbandoned(root)).toEqual({ runs: [], clusters: [] });
  });

  it("stops a dead run's test-env state folder and removes it", async () => {
    const root = mkdtempSync(join(tmpdir(), 'reap-root-'));
    roots.push(root);
    const stateDir = join(root, 'logclaw-test-env-abc');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, OWNER_FILE), String(deadPid()));
    const server = component();
    pids.push(server);
    writeFileSync(
      join(stateDir, 'state.json'),
      JSON.stringify({ order: ['kafka'], running: { kafka: { pids: [server], endpoint: { brokers: '127.0.0.1:1' } } } }),
    );

    const reaped = await reapAbandoned(root);

    expect(reaped.runs).toEqual([stateDir]);
    expect(isAlive(server)).toBe(false);
  });
});
