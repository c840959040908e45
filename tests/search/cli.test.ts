// `logclaw indices` and `logclaw search` as a user runs them, against the real OpenSearch node.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathWith, runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { createIndex, dropIndices, logDocs, uniquePrefix } from './fixtures.js';

const tempDir = useTempDir('logclaw-search-cli-');
const prefix = uniquePrefix('cli');
const pattern = `${prefix}-*`;
const NOW = Date.now();
const DOCS = logDocs(40, NOW, 60_000); // the last 39 minutes

describe('logclaw indices / search', () => {
  let url: string;
  let client: Client;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const { opensearch } = await useTestEnv('opensearch');
    url = opensearch.url;
    client = new Client({ node: url });
    await createIndex(client, `${prefix}-2026.11.01`, DOCS.slice(0, 15));
    await createIndex(client, `${prefix}-2026.11.02`, DOCS.slice(15));
    env = { PATH: pathWith(), HOME: process.env.HOME, LOGCLAW_HOME: tempDir() };
  });
  afterAll(async () => {
    if (client) {
      await dropIndices(client, `${prefix}*`);
      await client.close();
    }
  });

  it('indices --json lists health, counts and the pattern', async () => {
    const result = await runCli(['indices', '--index', pattern, '--opensearch-url', url, '--json'], env);
    expect(result.exitCode).toBe(0);
    const indices = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(indices.map((i) => [i.index, i.health, i.docsCount, i.pattern])).toEqual([
      [`${prefix}-2026.11.01`, 'green', 15, pattern],
      [`${prefix}-2026.11.02`, 'green', 25, pattern],
    ]);
  });

  it('indices prints the cluster line and an aligned table', async () => {
    const result = await runCli(['indices', '--index', pattern, '--opensearch-url', url], env);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^cluster logclaw-test \(http:\/\/127\.0\.0\.1:\d+\): (green|yellow) · 1 node · \d+ active shards, \d+ unassigned$/,
    );
    expect(lines[2]).toMatch(/^HEALTH\s+STATUS\s+INDEX\s+DOCS\s+SIZE\s+PRI\/REP\s+PATTERN$/);
    expect(lines[3]).toMatch(new RegExp(`^green\\s+open\\s+${prefix}-2026\\.11\\.01\\s+15\\s+[\\d.]+ (Ki)?B\\s+1/0\\s+${prefix}-\\*$`));
  });

  it('search --json answers {total, took, hits} for a query string, levels and a time span', async () => {
    const result = await runCli(
      [
        'search',
        '--index',
        pattern,
        '--query',
        'message:payment OR level:ERROR',
        '--since',
        '15m',
        '--size',
        '3',
        '--opensearch-url',
        url,
        '--json',
      ],
      env,
    );
    expect(result.exitCode).toBe(0);
    const body = JSON.parse(result.stdout) as {
      total: number;
      took: number;
      hits: Array<{ _source: { seq: number; level: string; message: string } }>;
    };
    expect(Object.keys(body)).toEqual(['total', 'took', 'hits']);
    const cutoff = NOW - 15 * 60_000;
    const expected = DOCS.filter(
      (d) => Date.parse(d.ingest_timestamp) >= cutoff - 5000 && (d.level === 'ERROR' || d.message.startsWith('Payment')),
    );
    // The CLI's "now" is a moment later than NOW: allow the oldest match to fall out.
    expect(body.total).toBeGreaterThanOrEqual(expected.length - 1);
    expect(body.total).toBeLessThanOrEqual(expected.length);
    expect(expected.length).toBeGreaterThan(3);
    expect(body.hits).toHaveLength(3);
    expect(body.hits.map((h) => h._source.seq)).toEqual(
      expected
        .map((d) => d.seq)
        .reverse()
        .slice(0, 3),
    );

    const filtered = JSON.parse(
      (
        await runCli(
          ['search', '-i', pattern, '--level', 'WARN,DEBUG', '--service', 'auth', '--sort', 'seq:asc', '--opensearch-url', url, '--json'],
          env,
        )
      ).stdout,
    ) as { total: number; hits: Array<{ _source: { seq: number } }> };
    const want = DOCS.filter((d) => ['WARN', 'DEBUG'].includes(d.level) && d.service === 'auth').map((d) => d.seq);
    expect(filtered.total).toBe(want.length);
    expect(filtered.hits.map((h) => h._source.seq)).toEqual(want);
  });

  it('search --dsl FILE runs the body as typed and prints a readable table', async () => {
    const file = join(tempDir(), 'query.json');
    writeFileSync(file, JSON.stringify({ query: { term: { service: 'checkout' } }, sort: [{ seq: 'asc' }] }));
    const json = JSON.parse(
      (await runCli(['search', '--index', pattern, '--dsl', file, '-n', '3', '--opensearch-url', url, '--json'], env)).stdout,
    ) as { total: number; hits: Array<{ _source: { seq: number } }> };
    expect(json.total).toBe(DOCS.filter((d) => d.service === 'checkout').length);
    expect(json.hits.map((h) => h._source.seq)).toEqual([0, 3, 6]);

    const human = await runCli(['search', '--index', pattern, '--dsl', file, '-n', '2', '--opensearch-url', url], env);
    expect(human.exitCode).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines[0]).toMatch(/^TIME\s+LEVEL\s+SERVICE\s+MESSAGE$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s+INFO\s+checkout\s+Payment failed: timeout after 0 ms$/);
    expect(lines.at(-1)).toMatch(/^showing 2 of 14 hits · took \d+ ms$/);
  });

  it('fails with a code, OpenSearch’s reason and a hint', async () => {
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, '{\n  "query": {"matchx": {}}\n}');
    const bad = await runCli(['search', '--index', pattern, '--dsl', file, '--opensearch-url', url, '--json'], env);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(
      /^error \[QUERY_INVALID\]: OpenSearch rejected the query: unknown query \[matchx\].*\(line 2, column \d+\)\nhint: /,
    );
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'QUERY_INVALID', detail: { line: 2 } } });

    const nowhere = await runCli(['search', '--opensearch-url', 'http://127.0.0.1:9'], env);
    expect(nowhere.exitCode).toBe(1);
    expect(nowhere.stderr).toContain('error [OPENSEARCH_UNREACHABLE]: OpenSearch at http://127.0.0.1:9 is not reachable');
    expect(nowhere.stderr).toContain('hint: Start the OpenSearch forward');

    const unset = await runCli(['indices'], { ...env, LOGCLAW_HOME: tempDir() });
    expect(unset.exitCode).toBe(1);
    expect(unset.stderr).toMatch(/^error \[OPENSEARCH_UNREACHABLE\]: No OpenSearch connection/);

    const stray = await runCli(['search', '--opensearch-user', 'admin'], env);
    expect(stray.stderr).toContain('error [INVALID_REQUEST]: --opensearch-user needs --opensearch-url');
    expect((await runCli(['search', '--since', 'yesterday', '--opensearch-url', url], env)).stderr).toContain(
      '--since must be a span like',
    );
    expect((await runCli(['search', '--query', 'x', '--dsl', file, '--opensearch-url', url], env)).stderr).toContain(
      'Give --query or --dsl, not both',
    );
  });

  it('takes the password from LOGCLAW_OPENSEARCH_PASSWORD and documents the options', async () => {
    const help = await runCli(['search', '--help'], env);
    expect(help.stdout).toContain('Usage: logclaw search [--index PATTERN] [--query Q | --dsl FILE] [--since 15m]');
    for (const flag of [
      '--opensearch-url URL',
      '--opensearch-user USER',
      '--opensearch-password PASSWORD',
      '--opensearch-ca FILE',
      '--opensearch-insecure',
    ])
      expect(help.stdout).toContain(flag);
    // The test node has no security plugin: it ignores the credentials, the request still works.
    const withEnv = await runCli(['indices', '--index', pattern, '--opensearch-url', url, '--opensearch-user', 'admin', '--json'], {
      ...env,
      LOGCLAW_OPENSEARCH_PASSWORD: 'x',
    });
    expect(withEnv.exitCode).toBe(0);
  });
});
