// Helpers shared by the JVM-based test-env components (kafka, opensearch): Maven jar download into a
// version-keyed cache, detached `java` processes, readiness polling, and the server lifecycle both
// share (launch, stop, start again, restart). Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { EnvContext, Running } from './component.js';
import { isAlive, signalGroup } from './process.js';

/** `$JAVA_HOME/bin/<tool>` when JAVA_HOME is set, else `<tool>` from PATH. */
export function javaTool(tool: 'java' | 'javac'): string {
  const home = process.env.JAVA_HOME;
  if (home) {
    const p = path.join(home, 'bin', tool);
    if (fs.existsSync(p)) return p;
  }
  return tool;
}

export function sha256Files(files: string[], extra = ''): string {
  const h = createHash('sha256');
  for (const f of files) h.update(fs.readFileSync(f)).update('\0');
  return h.update(extra).digest('hex');
}

/** The cache folder is complete when `.complete` exists and holds the expected stamp. */
export function cacheIsComplete(dir: string, stamp: string): boolean {
  try {
    return fs.readFileSync(path.join(dir, '.complete'), 'utf8').trim() === stamp;
  } catch {
    return false;
  }
}

export function markCacheComplete(dir: string, stamp: string): void {
  fs.writeFileSync(path.join(dir, '.complete'), stamp + '\n');
}

export function tail(file: string, lines = 40): string {
  try {
    const buf = fs.readFileSync(file);
    const text = buf.subarray(Math.max(0, buf.length - 64 * 1024)).toString('utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch (e) {
    return `(cannot read ${file}: ${(e as Error).message})`;
  }
}

/** The first error-looking lines of the log since the last start banner (for failure messages). */
export function errorLines(file: string, max = 12): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const since = text.slice(Math.max(0, text.lastIndexOf('===== logclaw test-env:')));
    const hits = since.split('\n').filter((l) => /\b(ERROR|FATAL)\b|Exception\b|Caused by|Error:/.test(l) && !/^\s+at /.test(l));
    return hits
      .slice(0, max)
      .map((l) => (l.length > 400 ? l.slice(0, 400) + '…' : l))
      .join('\n');
  } catch {
    return '';
  }
}

function failureDetail(file: string): string {
  const errs = errorLines(file);
  return (errs ? `\nFirst errors:\n${errs}\n` : '') + `\nLog ${file} (last lines):\n${tail(file)}`;
}

/** Run a command to completion; reject with its last output lines on failure. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; onLine?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep: string[] = [];
    let partial = '';
    const onData = (d: Buffer) => {
      const parts = (partial + d.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        keep.push(line);
        if (keep.length > 200) keep.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (partial) keep.push(partial);
      const out = keep.join('\n');
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? 'exit ' + code}):\n${keep.slice(-40).join('\n')}`));
    });
  });
}

/**
 * `mvn copy-dependencies` of a dependency-only pom into `outDir` (replaced atomically).
 * Maven's own repository is the default ~/.m2 (persists across runs).
 */
export async function mavenCopyDependencies(
  pom: string,
  outDir: string,
  props: Record<string, string>,
  log: (line: string) => void,
): Promise<void> {
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  let downloads = 0;
  const args = [
    '-B',
    '-f',
    pom,
    'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${tmp}`,
    ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
  ];
  await run(process.env.MVN ?? 'mvn', args, {
    onLine: (line) => {
      if (/^(\[INFO\] )?Downloaded from/.test(line)) {
        downloads++;
        if (downloads % 25 === 0) log(`  mvn: ${downloads} files downloaded…`);
      } else if (/^\[(ERROR|WARNING)\]/.test(line)) {
        log(`  mvn: ${line}`);
      }
    },
  });
  if (downloads) log(`  mvn: ${downloads} files downloaded`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmp, outDir);
}

/** Spawn a detached process (own process group) with stdout+stderr appended to `logFile`. */
export function spawnDetached(cmd: string, args: string[], opts: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv }): number {
  const fd = fs.openSync(opts.logFile, 'a');
  try {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`cannot spawn ${cmd} (see ${opts.logFile})`);
    child.on('error', () => undefined); // surfaced through the readiness check instead
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signal the process group led by `pid` (falls back to the pid alone); wait for exit, then SIGKILL. */
export async function stopProcess(pid: number, opts: { signal?: NodeJS.Signals; timeoutMs?: number } = {}): Promise<void> {
  if (!isAlive(pid)) return;
  signalGroup(pid, opts.signal ?? 'SIGTERM');
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
  const hard = Date.now() + 5_000;
  while (Date.now() < hard && isAlive(pid)) await sleep(100);
}

/**
 * Poll `probe` until it returns a value (not undefined); throw an Error naming `logFile` and its
 * last lines when the process dies or the timeout passes.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { pid: number; logFile: string; timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastErr = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastErr = (e as Error).message;
    }
    if (!isAlive(opts.pid)) {
      throw new Error(`${what}: process ${opts.pid} exited before becoming healthy (log ${opts.logFile}).${failureDetail(opts.logFile)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not healthy after ${Math.round(opts.timeoutMs / 1000)} s` +
          (lastErr ? ` (last probe error: ${lastErr})` : '') +
          ` (log ${opts.logFile}).${failureDetail(opts.logFile)}`,
      );
    }
    await sleep(opts.intervalMs ?? 500);
  }
}

export function httpJson(url: string, timeoutMs = 5_000): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* keep text */
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Two distinct free ports (ctx.freePort may hand out the same port twice in a row). */
/** Two different free ports (a server's client and internal listeners). */
export async function twoFreePorts(freePort: () => Promise<number>): Promise<[number, number]> {
  const first = await freePort();
  for (let i = 0; i < 50; i++) {
    const second = await freePort();
    if (second !== first) return [first, second];
  }
  throw new Error('could not find two distinct free ports');
}

/** Checks that `java -version` works and reports a major version (for error messages up front). */
export function javaMajor(java = javaTool('java')): number {
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${java}: ${r.error.message} (install JDK 17+ or set JAVA_HOME)`);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
  if (!m) return 0;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/**
 * Downloads a server's jars with Maven into its version-keyed cache folder, unless the folder is
 * already complete for `stamp`. `build` adds what else the folder needs (and says what, for the log).
 */
export async function provisionJars(
  ctx: EnvContext,
  o: {
    /** Log prefix, e.g. "kafka". */
    name: string;
    title: string;
    version: string;
    dir: string;
    stamp: string;
    pom: string;
    properties: Record<string, string>;
    /** Checks run before anything is downloaded (not when the cache is complete). */
    check?: () => void;
    build?: (libs: string) => Promise<string>;
  },
): Promise<void> {
  if (cacheIsComplete(o.dir, o.stamp)) {
    ctx.log(`[${o.name}] ${o.version} cached in ${o.dir}`);
    return;
  }
  o.check?.();
  const t0 = Date.now();
  ctx.log(`[${o.name}] downloading ${o.title} ${o.version} jars from Maven Central into ${o.dir}`);
  fs.mkdirSync(o.dir, { recursive: true });
  fs.rmSync(path.join(o.dir, '.complete'), { force: true });
  const libs = path.join(o.dir, 'libs');
  await mavenCopyDependencies(o.pom, libs, o.properties, ctx.log);
  const extra = o.build ? await o.build(libs) : '';
  markCacheComplete(o.dir, o.stamp);
  ctx.log(`[${o.name}] ${fs.readdirSync(libs).length} jars${extra} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Everything needed to (re)start a JVM server; start() also writes it to <home>/launch.json. */
export interface JvmState extends Record<string, unknown> {
  version: string;
  home: string;
  logFile: string;
  pidFile: string;
  java: string;
  args: string[];
}

type Target<E> = Running<E> | string;

/**
 * The lifecycle of one kind of detached JVM server. Its pid is kept in `pidFile`, so a server
 * restarted by a test is still the one that stop() (or `down`) ends. A target is the Running from
 * start() or the server's home folder (which holds launch.json).
 */
export function jvmServer<S extends JvmState, E>(spec: {
  title: string;
  /** Where it listens, for messages: "127.0.0.1:39092", "http://127.0.0.1:39200". */
  address(s: S): string;
  endpoint(s: S): E;
  /** Resolves to a value once the server serves, undefined (or throws) before. */
  healthy(s: S): Promise<unknown>;
  startTimeoutMs: number;
  pollMs?: number;
}) {
  const readState = (target: Target<E>): S => {
    if (typeof target !== 'string' && target.state) return target.state as S;
    const home = typeof target === 'string' ? target : '';
    return JSON.parse(fs.readFileSync(path.join(home, 'launch.json'), 'utf8')) as S;
  };
  const currentPid = (s: S): number | undefined => {
    try {
      const pid = Number(fs.readFileSync(s.pidFile, 'utf8').trim());
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };

  /** Spawns the server from a prepared state and waits until it is healthy. */
  async function launch(s: S, timeoutMs = spec.startTimeoutMs): Promise<Running<E>> {
    fs.appendFileSync(s.logFile, `\n===== logclaw test-env: starting ${spec.title} ${s.version} at ${new Date().toISOString()} =====\n`);
    const pid = spawnDetached(s.java, s.args, { cwd: s.home, logFile: s.logFile });
    fs.writeFileSync(s.pidFile, `${pid}\n`);
    await waitUntil(`${spec.title} ${s.version} on ${spec.address(s)}`, () => spec.healthy(s), {
      pid,
      logFile: s.logFile,
      timeoutMs,
      intervalMs: spec.pollMs,
    });
    return { endpoint: spec.endpoint(s), pids: [pid], logFiles: [s.logFile], state: s };
  }

  /** Stops the server, whatever pid it has now (SIGTERM: a clean shutdown; SIGKILL: a crash). */
  async function stop(target: Target<E>, opts: { signal?: NodeJS.Signals; timeoutMs?: number } = {}): Promise<void> {
    const pid = currentPid(readState(target));
    if (pid) await stopProcess(pid, opts);
  }

  /** Starts a stopped server again with the same ports, config and data; resolves once healthy. */
  async function startAgain(target: Target<E>, opts: { timeoutMs?: number } = {}): Promise<Running<E>> {
    const s = readState(target);
    const pid = currentPid(s);
    if (pid && isAlive(pid)) throw new Error(`${spec.title} is still running (pid ${pid}); stop it first`);
    return launch(s, opts.timeoutMs);
  }

  /** Stops (default SIGTERM), stays down `downMs`, starts again; resolves with the new Running (new pid). */
  async function restart(
    target: Target<E>,
    opts: { signal?: NodeJS.Signals; downMs?: number; timeoutMs?: number } = {},
  ): Promise<Running<E>> {
    await stop(target, { signal: opts.signal });
    if (opts.downMs) await sleep(opts.downMs);
    return startAgain(target, { timeoutMs: opts.timeoutMs });
  }

  return { launch, stop, startAgain, restart };
}
