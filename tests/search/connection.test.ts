// The saved connection and saved queries (search.json) across backend restarts, a corrupt file,
// TLS + basic auth against an HTTPS front of the real node, and the loopback bridge.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../electron/backend.js';
import { startBridge } from '../../electron/server/bridge-server.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { createIndex, dropIndices, logDocs, uniquePrefix } from './fixtures.js';
import { type TlsProxy, startTlsProxy } from './tls-proxy.js';

const tempDir = useTempDir('logclaw-search-conn-');
const prefix = uniquePrefix('conn');
const index = `${prefix}-2026.11.01`;
const PASSWORD = 'Sup3r-s3cret!';

describe('search connection and saved queries', () => {
  let url: string;
  let client: Client;
  let proxy: TlsProxy;

  beforeAll(async () => {
    const { opensearch } = await useTestEnv('opensearch');
    url = opensearch.url;
    client = new Client({ node: url });
    await createIndex(client, index, logDocs(25, Date.now()));
    proxy = await startTlsProxy(url, 'admin', PASSWORD);
  });
  afterAll(async () => {
    await proxy?.close();
    if (client) {
      await dropIndices(client, `${prefix}*`);
      await client.close();
    }
  });

  it('saves the connection and the queries, and both survive a restart of the backend', async () => {
    const dataDir = tempDir();
    const first = await createBackend({ transport: 'cli', dataDir });
    expect(await first.call('search:connection')).toEqual({ connection: null, notices: [] });
    const saved = await first.call('search:setConnection', { connection: { url: `${url}/` } });
    expect(saved.connection).toEqual({ url, hasPassword: false, insecure: false });
    expect((await first.call('search:query', { index })).total).toBe(25);
    const query = { index: `${prefix}-*`, query: 'level:ERROR', range: { kind: 'relative', last: '1h' } as const, levels: ['ERROR'] };
    await first.call('search:saveQuery', { name: 'errors', query, columns: ['ingest_timestamp', 'message'] });
    await first.call('search:saveQuery', { name: 'dsl', query: { mode: 'dsl', dsl: '{"query": {"match_all": {}}}' } });
    const replaced = await first.call('search:saveQuery', {
      name: 'errors',
      query: { ...query, query: 'level:ERROR AND service:auth' },
      columns: ['message'],
    });
    expect(replaced.map((q) => q.name)).toEqual(['dsl', 'errors']);
    await first.close();

    const second = await createBackend({ transport: 'cli', dataDir });
    expect((await second.call('search:connection')).connection).toEqual({ url, hasPassword: false, insecure: false });
    expect((await second.call('search:cluster')).clusterName).toBe('logclaw-test');
    const queries = await second.call('search:savedQueries');
    expect(queries).toHaveLength(2);
    expect(queries[1]).toMatchObject({
      name: 'errors',
      query: 'level:ERROR AND service:auth',
      levels: ['ERROR'],
      columns: ['message'],
      mode: 'simple',
      range: { kind: 'relative', last: '1h' },
    });
    expect(queries[0]).toMatchObject({ name: 'dsl', mode: 'dsl', dsl: '{"query": {"match_all": {}}}', index: 'logclaw-logs-*' });
    expect(await second.call('search:deleteSavedQuery', { id: queries[0]!.id })).toHaveLength(1);
    await expect(second.call('search:deleteSavedQuery', { id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await second.call('search:setConnection', { connection: null })).connection).toBeNull();
    await expect(second.call('search:cluster')).rejects.toMatchObject({ code: 'OPENSEARCH_UNREACHABLE' });
    await second.close();

    const third = await createBackend({ transport: 'cli', dataDir });
    expect(await third.call('search:savedQueries')).toHaveLength(1);
    await third.close();
    expect(statSync(join(dataDir, 'search.json')).mode & 0o777).toBe(0o600);
  });

  it('keeps a corrupt search.json as .bak, says so, and starts a new file', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'search.json');
    writeFileSync(file, '{"schemaVersion": 1, "savedQueries": [{"name": ');
    const backend = await createBackend({ transport: 'cli', dataDir });
    const state = await backend.call('search:connection');
    expect(state.connection).toBeNull();
    expect(state.notices).toEqual([
      expect.objectContaining({ id: 'search-file-corrupt', level: 'warn', hint: expect.stringContaining(`${file}.bak`) }),
    ]);
    expect(readFileSync(`${file}.bak`, 'utf8')).toContain('"savedQueries": [{"name": ');
    await backend.call('search:saveQuery', { name: 'again', query: {} });
    expect(JSON.parse(readFileSync(file, 'utf8')).savedQueries).toHaveLength(1);
    expect(readFileSync(`${file}.bak`, 'utf8')).toContain('"savedQueries": [{"name": ');
    await backend.close();
  });

  it('talks TLS with a CA file and basic auth, and keeps the password out of answers, errors and curl', async () => {
    const dataDir = tempDir();
    const backend = await createBackend({ transport: 'cli', dataDir });
    try {
      const secure = { url: proxy.url, username: 'admin', password: PASSWORD, caFile: proxy.caFile };
      const result = await backend.call('search:query', { endpoint: secure, index });
      expect(result.total).toBe(25);
      expect(result.curl).toContain(`-u admin --cacert ${proxy.caFile}`);
      expect(JSON.stringify(result)).not.toContain(PASSWORD);
      expect(proxy.seen.at(-1)).toBe(`Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`);

      const untrusted = await backend.call('search:cluster', { endpoint: { ...secure, caFile: undefined } }).catch((e: unknown) => e);
      expect(untrusted).toMatchObject({
        code: 'OPENSEARCH_UNREACHABLE',
        message: expect.stringMatching(/TLS .*self[- ]signed/i),
        hint: expect.stringContaining('CA file'),
      });
      expect((await backend.call('search:cluster', { endpoint: { ...secure, caFile: undefined, insecure: true } })).clusterName).toBe(
        'logclaw-test',
      );

      const wrong = await backend.call('search:indices', { endpoint: { ...secure, password: 'nope' } }).catch((e: unknown) => e);
      expect(wrong).toMatchObject({ code: 'OPENSEARCH_UNREACHABLE', message: expect.stringContaining('refused the credentials (401)') });
      const plainToTls = await backend
        .call('search:cluster', { endpoint: { url: proxy.url.replace('https:', 'http:') } })
        .catch((e: unknown) => e);
      expect(plainToTls).toMatchObject({ code: 'OPENSEARCH_UNREACHABLE' });
      const tlsToPlain = await backend
        .call('search:cluster', { endpoint: { url: url.replace('http:', 'https:') } })
        .catch((e: unknown) => e);
      expect(tlsToPlain).toMatchObject({ code: 'OPENSEARCH_UNREACHABLE', hint: expect.stringContaining('http://') });
      for (const error of [untrusted, wrong])
        expect(JSON.stringify(error) + JSON.stringify((error as { detail?: unknown }).detail)).not.toContain(PASSWORD);

      // Saved with credentials in the URL: the view shows neither; an omitted password is kept.
      const state = await backend.call('search:setConnection', {
        connection: { url: `https://admin:${encodeURIComponent(PASSWORD)}@${proxy.url.slice(8)}`, caFile: proxy.caFile },
      });
      expect(state.connection).toEqual({ url: proxy.url, username: 'admin', hasPassword: true, caFile: proxy.caFile, insecure: false });
      expect(JSON.stringify(state)).not.toContain(PASSWORD);
      await backend.call('search:setConnection', { connection: { url: proxy.url, username: 'admin', caFile: proxy.caFile } });
      expect((await backend.call('search:cluster')).clusterName).toBe('logclaw-test');
      expect(
        (
          await backend.call('search:setConnection', {
            connection: { url: proxy.url, username: 'admin', password: null, caFile: proxy.caFile },
          })
        ).connection?.hasPassword,
      ).toBe(false);
    } finally {
      await backend.close();
    }
  });

  it('serves search over the loopback bridge with coded errors', async () => {
    const dataDir = tempDir();
    const backend = await createBackend({ transport: 'http', dataDir });
    const bridge = await startBridge({ backend, staticDir: tempDir() });
    try {
      const invoke = async (channel: string, body: unknown) => {
        const response = await fetch(`http://127.0.0.1:${bridge.port}/api/invoke/${channel}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${bridge.token}` },
          body: JSON.stringify(body),
        });
        return (await response.json()) as {
          ok: boolean;
          value?: { total: number; hits: unknown[] };
          error?: { code: string; message: string; detail?: { line?: number } };
        };
      };
      await invoke('search:setConnection', { connection: { url } });
      const ok = await invoke('search:query', { index, size: 5, query: 'message:payment' });
      expect(ok).toMatchObject({ ok: true, value: { total: 3 } });
      expect(ok.value!.hits).toHaveLength(3);
      const bad = await invoke('search:query', { index, mode: 'dsl', dsl: '{"query": {"nope": {}}}' });
      expect(bad).toMatchObject({
        ok: false,
        error: { code: 'QUERY_INVALID', message: expect.stringContaining('unknown query [nope]'), detail: { line: 1 } },
      });
      const invalid = await invoke('search:query', { index, size: 100_000 });
      expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('size') } });
    } finally {
      await bridge.close();
      await backend.close();
    }
  });
});
