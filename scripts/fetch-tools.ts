// npm run fetch-tools [-- --platform linux-x64] [--tools kind,helm] [--lock FILE] [--out DIR]
// Downloads the pinned kind/helm/kubectl into resources/bin/<platform>/ and verifies each sha256
// before anything lands there; a mismatch is refused and leaves nothing behind.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import { AppError } from '#contract/index.js';
import { platformKey, sourceRoot } from '../electron/services/paths.js';
import { type PlatformArtifact, readToolsLock } from '../electron/services/tools/lock.js';

export interface FetchOptions {
  lockPath: string;
  outDir: string;
  platform: string;
  tools?: string[];
  log?: (line: string) => void;
}

export async function fetchTools(options: FetchOptions): Promise<string[]> {
  const lock = readToolsLock(options.lockPath);
  const log = options.log ?? (() => undefined);
  const names = options.tools ?? Object.keys(lock.tools);
  const installed: string[] = [];
  for (const name of names) {
    const tool = lock.tools[name as keyof typeof lock.tools];
    if (!tool) throw new AppError('INVALID_REQUEST', `${name} is not in ${options.lockPath}`);
    const artifact = tool.platforms[options.platform];
    if (!artifact) {
      throw new AppError('NOT_FOUND', `No pinned ${name} ${tool.version} for ${options.platform}`, {
        hint: `Install ${name} ${tool.version} yourself; the app finds it on PATH.`,
      });
    }
    log(`${name} ${tool.version}: downloading ${artifact.url}`);
    const target = join(options.outDir, options.platform, options.platform.startsWith('win32') ? `${name}.exe` : name);
    await install(name, artifact, target);
    log(`${name} ${tool.version}: verified sha256 ${artifact.sha256.slice(0, 12)}…, installed ${target}`);
    installed.push(target);
  }
  return installed;
}

async function install(name: string, artifact: PlatformArtifact, target: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(artifact.url, { redirect: 'follow' });
  } catch (error) {
    throw new AppError('DOWNLOAD_FAILED', `Could not download ${name} from ${artifact.url}: ${(error as Error).message}`, {
      hint: 'Check the network or a proxy, then run `npm run fetch-tools` again.',
    });
  }
  if (!response.ok) throw new AppError('DOWNLOAD_FAILED', `Downloading ${name} from ${artifact.url} answered HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== artifact.sha256) {
    throw new AppError('HASH_MISMATCH', `${name} from ${artifact.url} has sha256 ${actual}, expected ${artifact.sha256}; refusing it`, {
      hint: 'The download was corrupted or tampered with. Nothing was installed.',
    });
  }
  mkdirSync(join(target, '..'), { recursive: true });
  const work = mkdtempSync(join(target, '..', `.${name}-`));
  try {
    const download = join(work, 'download');
    writeFileSync(download, body);
    let binary = download;
    if (artifact.archive) {
      if (!artifact.member) throw new AppError('INVALID_REQUEST', `${name}: an archive entry needs "member"`);
      binary = join(work, 'binary');
      writeFileSync(binary, readMember(name, artifact, artifact.member, body, download));
    }
    chmodSync(binary, 0o755);
    renameSync(binary, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The member's bytes. The archive already matched its sha256, so a member it lacks is a wrong path in the lock. */
function readMember(name: string, artifact: PlatformArtifact, member: string, body: Buffer, download: string): Uint8Array {
  const failed = (reason: string) =>
    new AppError('INVALID_REQUEST', `Could not extract ${member} from ${artifact.url}: ${reason}`, {
      hint: `Check "member" of ${name} in the tools lock against the archive's contents.`,
    });
  if (artifact.archive === 'zip') {
    // In-process, not `tar`: GNU tar (Linux) cannot read zip, and a Windows package is built on any host.
    const data = unzipSync(body, { filter: (file) => file.name === member })[member];
    if (!data) throw failed('no such member');
    return data;
  }
  try {
    // helm's tar.gz members are tens of MB: the default 1 MiB stdout buffer would cut them off.
    return execFileSync('tar', ['-xzOf', download, member], { maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw failed((error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message);
  }
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      platform: { type: 'string', default: platformKey() },
      tools: { type: 'string' },
      lock: { type: 'string', default: join(sourceRoot(), 'resources', 'tools.lock.json') },
      out: { type: 'string', default: join(sourceRoot(), 'resources', 'bin') },
    },
  });
  try {
    await fetchTools({
      lockPath: resolve(values.lock),
      outDir: resolve(values.out),
      platform: values.platform,
      tools: values.tools
        ?.split(',')
        .map((tool) => tool.trim())
        .filter(Boolean),
      log: (line) => console.log(line),
    });
  } catch (error) {
    const appError = error instanceof AppError ? error : new AppError('INTERNAL', String(error));
    console.error(`error [${appError.code}]: ${appError.message}`);
    if (appError.hint) console.error(`hint: ${appError.hint}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await cli();
