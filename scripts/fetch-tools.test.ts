import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../tests/support/temp.js';
import { fetchTools } from './fetch-tools.js';

const tempDir = useTempDir('logclaw-fetch-');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('fetch-tools against a local HTTP server', () => {
  let server: Server;
  let base: string;
  const files = new Map<string, Buffer>();

  beforeAll(async () => {
    // Real artifacts of the two shapes upstream ships: a bare binary (kind, kubectl) and a tar.gz (helm).
    const work = tempDir();
    files.set('/kind-linux-amd64', Buffer.from('#!/bin/sh\necho "kind v0.27.0 go1.23 linux/amd64"\n'));
    mkdirSync(join(work, 'linux-amd64'));
    writeFileSync(join(work, 'linux-amd64', 'helm'), '#!/bin/sh\necho v3.17.2\n');
    execFileSync('tar', ['-czf', join(work, 'helm.tar.gz'), '-C', work, 'linux-amd64']);
    files.set('/helm-linux-amd64.tar.gz', readFileSync(join(work, 'helm.tar.gz')));
    server = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function lockFile(dir: string, overrides: { kindHash?: string; helmUrl?: string } = {}): string {
    const path = join(dir, 'tools.lock.json');
    writeFileSync(
      path,
      JSON.stringify({
        tools: {
          kind: {
            version: '0.27.0',
            minimum: '0.27.0',
            platforms: {
              'linux-x64': { url: `${base}/kind-linux-amd64`, sha256: overrides.kindHash ?? sha256(files.get('/kind-linux-amd64')!) },
            },
          },
          helm: {
            version: '3.17.2',
            minimum: '3.14.0',
            platforms: {
              'linux-x64': {
                url: overrides.helmUrl ?? `${base}/helm-linux-amd64.tar.gz`,
                sha256: sha256(files.get('/helm-linux-amd64.tar.gz')!),
                archive: 'tar.gz',
                member: 'linux-amd64/helm',
              },
            },
          },
        },
      }),
    );
    return path;
  }

  it('installs verified binaries, extracting archives, as executables', async () => {
    const dir = tempDir();
    const installed = await fetchTools({ lockPath: lockFile(dir), outDir: join(dir, 'bin'), platform: 'linux-x64' });
    expect(installed).toEqual([join(dir, 'bin', 'linux-x64', 'kind'), join(dir, 'bin', 'linux-x64', 'helm')]);
    expect(execFileSync(installed[0]!, { encoding: 'utf8' })).toContain('kind v0.27.0');
    expect(execFileSync(installed[1]!, { encoding: 'utf8' }).trim()).toBe('v3.17.2');
    expect(statSync(installed[1]!).mode & 0o111).not.toBe(0);
    expect(readdirSync(join(dir, 'bin', 'linux-x64')).sort()).toEqual(['helm', 'kind']);
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
