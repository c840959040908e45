// Starts and stops the real servers tests need (helm/kubectl, Kafka, OpenSearch, a Kubernetes API).
// State lives in a folder so that `up` and `down` can run in different processes, and so that
// several test files in one run share one set of servers.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Component, ComponentName, EnvContext, Running } from './component.js';
import feast from './feast/component.js';
import kafka from './kafka/component.js';
import kube from './kube/component.js';
import opensearch from './opensearch/component.js';
import { isAlive, signalGroup } from './process.js';
import registry from './registry/component.js';
import tools from './tools/component.js';
import vrl from './vrl/component.js';

export const COMPONENTS: Record<ComponentName, Component> = { tools, kafka, opensearch, kube, vrl, registry, feast };

export type Endpoints = Partial<Record<ComponentName, unknown>>;

interface State {
  order: ComponentName[];
  running: Partial<Record<ComponentName, Running>>;
}

export function cacheRoot(env = process.env): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'logclaw-test-env');
}

/** Where `up` keeps its state; LOGCLAW_TEST_ENV_DIR gives each test run its own. */
export function defaultStateDir(env = process.env): string {
  return env.LOGCLAW_TEST_ENV_DIR ?? join(cacheRoot(env), 'env');
}

function context(stateDir: string, log: (line: string) => void): EnvContext {
  return { cacheRoot: cacheRoot(), runDir: join(stateDir, 'run'), freePort, log };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function readState(stateDir: string): State {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as State;
  } catch {
    return { order: [], running: {} };
  }
}

function writeState(stateDir: string, state: State): void {
  writeFileSync(join(stateDir, 'state.json'), JSON.stringify(state, null, 2));
}

/** A cross-process lock (O_EXCL file) so concurrent test workers start each component once. */
async function withLock<T>(stateDir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(stateDir, 'lock');
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: number;
      try {
        holder = Number(readFileSync(lock, 'utf8').trim() || 0);
      } catch (gone) {
        // Released between our attempt and this read: try again at once.
        if ((gone as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw gone;
      }
      if (holder && !isAlive(holder)) await rm(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

function withNeeds(names: ComponentName[]): ComponentName[] {
  const ordered: ComponentName[] = [];
  const visit = (name: ComponentName) => {
    if (ordered.includes(name)) return;
    for (const need of COMPONENTS[name].needs ?? []) visit(need);
    ordered.push(name);
  };
  names.forEach(visit);
  return ordered;
}

/** Provisions and starts what is asked for (and what it needs); already-running ones are reused. */
export async function up(names: ComponentName[], options: { stateDir?: string; log?: (line: string) => void } = {}): Promise<Endpoints> {
  const stateDir = options.stateDir ?? defaultStateDir();
  mkdirSync(stateDir, { recursive: true });
  const ctx = context(stateDir, options.log ?? ((line) => process.stderr.write(line + '\n')));
  mkdirSync(ctx.runDir, { recursive: true });
  return withLock(stateDir, async () => {
    const state = readState(stateDir);
    const wanted = withNeeds(names);
    for (const name of wanted) {
      if (state.running[name] && state.running[name]!.pids.every(isAlive)) continue;
      const component = COMPONENTS[name];
      const started = Date.now();
      await component.provision(ctx);
      const deps = Object.fromEntries((component.needs ?? []).map((need) => [need, state.running[need]?.endpoint]));
      state.running[name] = await component.start(ctx, deps);
      if (!state.order.includes(name)) state.order.push(name);
      writeState(stateDir, state);
      ctx.log(`test-env: ${name} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    return Object.fromEntries(names.map((name) => [name, state.running[name]!.endpoint]));
  });
}

/** Downloads and builds into the cache without starting anything (CI does this first, with timings). */
export async function provision(
  names: ComponentName[],
  log: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Promise<void> {
  const ctx = context(defaultStateDir(), log);
  for (const name of withNeeds(names)) {
    const started = Date.now();
    await COMPONENTS[name].provision(ctx);
    log(`test-env: ${name} provisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Stops everything `up` started in this state folder and removes its data. */
export async function down(options: { stateDir?: string; log?: (line: string) => void } = {}): Promise<void> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const ctx = context(stateDir, options.log ?? ((line) => process.stderr.write(line + '\n')));
  const state = readState(stateDir);
  for (const name of [...state.order].reverse()) {
    const running = state.running[name];
    if (!running) continue;
    try {
      await COMPONENTS[name].stop?.(ctx, running);
    } catch (error) {
      ctx.log(`test-env: stopping ${name}: ${(error as Error).message}`);
    }
    await killAll(running.pids);
  }
  rmSync(stateDir, { recursive: true, force: true });
}

async function killAll(pids: number[]): Promise<void> {
  pids.forEach((pid) => signalGroup(pid, 'SIGTERM'));
  const deadline = Date.now() + 15_000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  pids.filter(isAlive).forEach((pid) => signalGroup(pid, 'SIGKILL'));
}
