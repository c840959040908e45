import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../tests/support/temp.js';
import { fetchTools } from './fetch-tools.js';

const tempDir = useTempDir('logclaw-fetch-');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

// Past the 1 MiB that execFileSync buffers by default, as real helm members are: extraction must not truncate it.
const HELM_SCRIPT = Buffer.from(`#!/bin/sh\necho v3.17.2\nexit 0\n${'# padding\n'.repeat(150_000)}`);
const HELM_EXE = Buffer.from('MZ helm.exe stand-in');

describe('fetch-tools against a local HTTP server', () => {
  let server: Server;
  let base: string;
  const files = new Map<string, Buffer>();

  beforeAll(async () => {
    // Real artifacts of the shapes upstream ships: bare binaries (kind, kubectl, kubectl.exe), a tar.gz (helm on
    // Linux and macOS) and a zip (helm on Windows, with windows-amd64/helm.exe beside other files).
    const work = tempDir();
    files.set('/kind-linux-amd64', Buffer.from('#!/bin/sh\necho "kind v0.27.0 go1.23 linux/amd64"\n'));
    files.set('/kubectl.exe', Buffer.from('MZ kubectl.exe stand-in'));
    mkdirSync(join(work, 'linux-amd64'));
    writeFileSync(join(work, 'linux-amd64', 'helm'), HELM_SCRIPT);
    writeFileSync(join(work, 'linux-amd64', 'LICENSE'), 'Apache-2.0\n');
    execFileSync('tar', ['-czf', join(work, 'helm.tar.gz'), '-C', work, 'linux-amd64']);
    files.set('/helm-linux-amd64.tar.gz', readFileSync(join(work, 'helm.tar.gz')));
    const zip = zipSync({ 'windows-amd64': { LICENSE: strToU8('Apache-2.0\n'), 'helm.exe': HELM_EXE, 'README.md': strToU8('helm\n') } });
    files.set('/helm-windows-amd64.zip', Buffer.from(zip));
    server = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  interface Overrides {
    kindHash?: string;
    helmUrl?: string;
    helmMember?: string;
    windowsHelmMember?: string;
  }

  function pinned(path: string, extra: Record<string, string> = {}) {
    return { url: `${base}${path}`, sha256: sha256(files.get(path)!), source: 'test fixture', ...extra };
  }

  function lockFile(dir: string, overrides: Overrides = {}): string {
    const path = join(dir, 'tools.lock.json');
    writeFileSync(
      path,
      JSON.stringify({
        tools: {
          kind: {
            version: '0.27.0',
            minimum: '0.27.0',
            platforms: {
              'linux-x64': { ...pinned('/kind-linux-amd64'), sha256: overrides.kindHash ?? sha256(files.get('/kind-linux-amd64')!) },
            },
          },
          helm: {
            version: '3.17.2',
            minimum: '3.14.0',
            platforms: {
              'linux-x64': {
                ...pinned('/helm-linux-amd64.tar.gz', { archive: 'tar.gz', member: overrides.helmMember ?? 'linux-amd64/helm' }),
                url: overrides.helmUrl ?? `${base}/helm-linux-amd64.tar.gz`,
              },
              'win32-x64': pinned('/helm-windows-amd64.zip', {
                archive: 'zip',
                member: overrides.windowsHelmMember ?? 'windows-amd64/helm.exe',
              }),
            },
          },
          kubectl: {
            version: '1.32.2',
            minimum: '1.30.0',
            platforms: { 'win32-x64': pinned('/kubectl.exe') },
          },
        },
      }),
    );
    return path;
  }

  it('installs verified binaries, extracting archives, as executables', async () => {
    const dir = tempDir();
    const installed = await fetchTools({
      lockPath: lockFile(dir),
      outDir: join(dir, 'bin'),
      platform: 'linux-x64',
      tools: ['kind', 'helm'],
    });
    expect(installed).toEqual([join(dir, 'bin', 'linux-x64', 'kind'), join(dir, 'bin', 'linux-x64', 'helm')]);
    expect(execFileSync(installed[0]!, { encoding: 'utf8' })).toContain('kind v0.27.0');
    expect(execFileSync(installed[1]!, { encoding: 'utf8' }).trim()).toBe('v3.17.2');
    expect(readFileSync(installed[1]!).equals(HELM_SCRIPT)).toBe(true);
    expect(statSync(installed[1]!).mode & 0o111).not.toBe(0);
    expect(readdirSync(join(dir, 'bin', 'linux-x64')).sort()).toEqual(['helm', 'kind']);
  });

  it('installs the Windows tools as .exe: helm.exe out of the zip, kubectl.exe as downloaded', async () => {
    const dir = tempDir();
    const installed = await fetchTools({
      lockPath: lockFile(dir),
      outDir: join(dir, 'bin'),
      platform: 'win32-x64',
      tools: ['helm', 'kubectl'],
    });
    expect(installed).toEqual([join(dir, 'bin', 'win32-x64', 'helm.exe'), join(dir, 'bin', 'win32-x64', 'kubectl.exe')]);
    expect(readFileSync(installed[0]!).equals(HELM_EXE)).toBe(true);
    expect(readFileSync(installed[1]!).equals(files.get('/kubectl.exe')!)).toBe(true);
    expect(readdirSync(join(dir, 'bin', 'win32-x64')).sort()).toEqual(['helm.exe', 'kubectl.exe']);
  });

  it('refuses an archive without the pinned member, from zip and tar.gz alike, and leaves nothing behind', async () => {
    const dir = tempDir();
    const lockPath = lockFile(dir, { windowsHelmMember: 'windows-amd64/helm', helmMember: 'linux-amd64/helm.exe' });
    await expect(fetchTools({ lockPath, outDir: join(dir, 'bin'), platform: 'win32-x64', tools: ['helm'] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('Could not extract windows-amd64/helm from'),
    });
    await expect(fetchTools({ lockPath, outDir: join(dir, 'bin'), platform: 'linux-x64', tools: ['helm'] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('Could not extract linux-amd64/helm.exe from'),
    });
    expect(readdirSync(join(dir, 'bin', 'win32-x64'))).toEqual([]);
    expect(readdirSync(join(dir, 'bin', 'linux-x64'))).toEqual([]);
  });

  it('refuses a download whose sha256 does not match and leaves nothing behind', async () => {
    const dir = tempDir();
    const wrong = 'f'.repeat(64);
    await expect(
      fetchTools({ lockPath: lockFile(dir, { kindHash: wrong }), outDir: join(dir, 'bin'), platform: 'linux-x64', tools: ['kind'] }),
    ).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
      message: expect.stringContaining(`expected ${wrong}`),
    });
    expect(existsSync(join(dir, 'bin', 'linux-x64', 'kind'))).toBe(false);
  });

  it('reports HTTP errors and unpinned platforms with coded errors', async () => {
    const dir = tempDir();
    await expect(
      fetchTools({
        lockPath: lockFile(dir, { helmUrl: `${base}/missing.tar.gz` }),
        outDir: join(dir, 'bin'),
        platform: 'linux-x64',
        tools: ['helm'],
      }),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
    await expect(
      fetchTools({ lockPath: lockFile(dir), outDir: join(dir, 'bin'), platform: 'win32-arm64', tools: ['kind'] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
