// Test-env component `registry`: the CNCF distribution registry (github.com/distribution/distribution/v3,
// cmd/registry), built from the Go module proxy into the cache, serving the OCI distribution API over
// plain HTTP on 127.0.0.1 (clients use `helm push/pull --plain-http`, or an "insecure registry").
// The shared instance the component starts is anonymous; `launchRegistry` starts further ones, with
// htpasswd basic auth when asked, for tests that need credentials. See README.md beside this file.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { Component } from '../component.js';
import { cacheIsComplete, httpJson, markCacheComplete, run, spawnDetached, stopProcess, waitUntil } from '../jvm.js';

/** distribution v3.0.0 needs Go 1.23.7+ (its go.mod); REGISTRY_VERSION overrides it. */
export const REGISTRY_VERSION = process.env.REGISTRY_VERSION ?? '3.0.0';
const MODULE = 'github.com/distribution/distribution/v3';
const HTPASSWD_SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'htpasswd', 'main.go');

export interface RegistryUser {
  username: string;
  password: string;
}

export interface RegistryEndpoint {
  /** `127.0.0.1:<port>`: how image references and `oci://` URLs name this registry. */
  host: string;
  /** `http://127.0.0.1:<port>` (plain HTTP, no TLS). */
  url: string;
  /** The one user it accepts, when started with htpasswd auth; anonymous otherwise. */
  auth?: RegistryUser;
}

export interface RegistryBinaries {
  registry: string;
  /** Prints `user:<bcrypt>` for `user:password` lines on stdin (htpasswd/main.go). */
  htpasswd: string;
}

/** `<cache>/registry-<version>`, complete when its stamp names this version and helper source. */
export function registryCacheDir(cacheRoot: string): string {
  return path.join(cacheRoot, `registry-${REGISTRY_VERSION}`);
}

function binaries(dir: string): RegistryBinaries {
  return { registry: path.join(dir, 'bin', 'registry'), htpasswd: path.join(dir, 'bin', 'htpasswd') };
}

/**
 * Builds the registry and the htpasswd helper unless cached. Both come from one wrapper module, so
 * the helper hashes with the x/crypto version the registry checks with. The build goes to a temporary
 * folder renamed into place, so two runs provisioning at once both end with a complete folder.
 */
export async function ensureRegistryBinaries(cacheRoot: string, log: (line: string) => void): Promise<RegistryBinaries> {
  const dir = registryCacheDir(cacheRoot);
  const stamp = `${MODULE}@v${REGISTRY_VERSION} htpasswd ${createHash('sha256').update(fs.readFileSync(HTPASSWD_SOURCE)).digest('hex')}`;
  if (cacheIsComplete(dir, stamp)) return binaries(dir);
  const started = Date.now();
  fs.mkdirSync(cacheRoot, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheRoot, `.registry-${REGISTRY_VERSION}-`));
  try {
    const src = path.join(tmp, 'src');
    fs.mkdirSync(path.join(src, 'htpasswd'), { recursive: true });
    fs.copyFileSync(HTPASSWD_SOURCE, path.join(src, 'htpasswd', 'main.go'));
    // The same settings as kube/build.sh: no toolchain download, static binaries, go.mod updated as needed.
    const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOWORK: 'off' };
    let downloads = 0;
    const onLine = (l: string) => (l.startsWith('go: downloading ') ? downloads++ : l.trim() && log(`registry build: ${l}`));
    const go = (args: string[]) => run('go', args, { cwd: src, env, onLine });
    log(`registry: building ${MODULE}/cmd/registry v${REGISTRY_VERSION} from the Go module proxy into ${dir}`);
    await go(['mod', 'init', 'logclaw.local/registry-build']);
    await go(['get', `${MODULE}@v${REGISTRY_VERSION}`]);
    const ldflags = `-s -w -X ${MODULE}/version.version=v${REGISTRY_VERSION}`;
    await go([
      'build',
      '-p',
      '2',
      '-trimpath',
      '-ldflags',
      ldflags,
      '-o',
      path.join(tmp, 'bin') + path.sep,
      `${MODULE}/cmd/registry`,
      './htpasswd',
    ]);
    fs.rmSync(src, { recursive: true, force: true });
    markCacheComplete(tmp, stamp);
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, dir);
    } catch (error) {
      // Another run renamed its build into place first: use that one.
      if (!cacheIsComplete(dir, stamp)) throw error;
    }
    log(`registry: built in ${((Date.now() - started) / 1000).toFixed(1)} s (${downloads} modules downloaded)`);
    return binaries(dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `user:<bcrypt>` lines for an htpasswd file (the registry accepts bcrypt entries only). */
export async function htpasswdLine(bins: RegistryBinaries, user: RegistryUser): Promise<string> {
  if (user.username.includes(':') || /[\r\n]/.test(user.username + user.password))
    throw new Error('htpasswd: no ":" in the user name and no line breaks');
  return new Promise((resolve, reject) => {
    const child = spawn(bins.htpasswd, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`htpasswd failed (exit ${code}): ${err.trim()}`))));
    child.stdin.end(`${user.username}:${user.password}\n`);
  });
}

export interface LaunchOptions {
  bins: RegistryBinaries;
  /** Holds config.yml, the blobs (data/), htpasswd and registry.log; created if missing. */
  dir: string;
  port: number;
  /** Require HTTP basic auth for this user (htpasswd access controller). */
  auth?: RegistryUser;
}

export interface RegistryProcess {
  endpoint: RegistryEndpoint;
  /** Leader of its own process group: stop with `stopRegistry(pid)`. */
  pid: number;
  logFile: string;
}

/** Starts a registry on 127.0.0.1:<port> and resolves once `GET /v2/` answers (200, or 401 with auth). */
export async function launchRegistry(o: LaunchOptions): Promise<RegistryProcess> {
  fs.mkdirSync(o.dir, { recursive: true });
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', formatter: 'text' },
    storage: { filesystem: { rootdirectory: path.join(o.dir, 'data') }, delete: { enabled: true } },
    // A secret of its own, or the registry warns that it generated one (it signs upload state).
    http: { addr: `127.0.0.1:${o.port}`, secret: randomBytes(16).toString('hex') },
  };
  if (o.auth) {
    const file = path.join(o.dir, 'htpasswd');
    fs.writeFileSync(file, (await htpasswdLine(o.bins, o.auth)) + '\n', { mode: 0o600 });
    config.auth = { htpasswd: { realm: 'logclaw-test-registry', path: file } };
  }
  const configFile = path.join(o.dir, 'config.yml');
  fs.writeFileSync(configFile, YAML.stringify(config));
  const logFile = path.join(o.dir, 'registry.log');
  fs.appendFileSync(logFile, `===== logclaw test-env: registry v${REGISTRY_VERSION} on 127.0.0.1:${o.port} =====\n`);
  // v3 exports OpenTelemetry traces over OTLP by default; nothing collects them here.
  const env = { ...process.env, OTEL_TRACES_EXPORTER: 'none' };
  const pid = spawnDetached(o.bins.registry, ['serve', configFile], { cwd: o.dir, logFile, env });
  const url = `http://127.0.0.1:${o.port}`;
  const ready = o.auth ? [200, 401] : [200];
  await waitUntil('registry', async () => (ready.includes((await httpJson(`${url}/v2/`)).status) ? true : undefined), {
    pid,
    logFile,
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  return { endpoint: { host: `127.0.0.1:${o.port}`, url, ...(o.auth ? { auth: o.auth } : {}) }, pid, logFile };
}

export function stopRegistry(pid: number): Promise<void> {
  return stopProcess(pid, { timeoutMs: 10_000 });
}

const registry: Component<RegistryEndpoint> = {
  name: 'registry',
  async provision(ctx) {
    await ensureRegistryBinaries(ctx.cacheRoot, ctx.log);
  },
  async start(ctx) {
    const bins = await ensureRegistryBinaries(ctx.cacheRoot, ctx.log);
    const { endpoint, pid, logFile } = await launchRegistry({ bins, dir: path.join(ctx.runDir, 'registry'), port: await ctx.freePort() });
    return { endpoint, pids: [pid], logFiles: [logFile] };
  },
};

export default registry;
