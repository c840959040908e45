// Operator chart checks against a real Helm repository: charts packaged and indexed by the test env's
// helm (`helm package`, `helm repo index`) and served over HTTP; and repositories that answer
// otherwise (no index, a quota) or not at all.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartRepoClient } from '../../electron/services/images/chart-repo.js';
import { LocalChartRepo } from '../../scripts/charts/local-repo.js';
import { freePort } from '../../scripts/test-env/env.js';
import { useTestEnv } from '../support/test-env.js';

function chart(root: string, name: string, version: string): string {
  const dir = join(root, `${name}-${version}`);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
  return dir;
}

/** Answers every request with one status (and Retry-After): how a repository without an index, or over its quota, answers. */
async function statusServer(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(status, status === 429 ? { 'retry-after': '120' } : {}).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/charts/`, server };
}

describe('operator chart repositories', () => {
  let repo: LocalChartRepo;
  let work: string;
  let digest: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    work = mkdtempSync(join(tmpdir(), 'logclaw-chart-check-'));
    repo = new LocalChartRepo(tools.helm);
    await repo.add(chart(work, 'strimzi-kafka-operator', '0.49.0'));
    await repo.add(chart(work, 'strimzi-kafka-operator', '0.50.1+build.7'));
    await repo.add(chart(work, 'cert-manager', 'v1.16.1'));
    await repo.add(chart(work, 'opensearch-operator', '2.6.1+logclaw-fake'));
    await repo.start();
    const archive = readdirSync(repo.dir).find((file) => file.startsWith('strimzi-kafka-operator-0.50.1'))!;
    digest = `sha256:${createHash('sha256')
      .update(readFileSync(join(repo.dir, archive)))
      .digest('hex')}`;
  }, 600_000);

  afterAll(async () => {
    await repo?.close();
    for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('found: the version (build metadata and a leading v aside) with the digest the index records', async () => {
    const client = new ChartRepoClient();
    expect(await client.check({ chart: 'strimzi-kafka-operator', version: '0.50.1', repository: repo.url })).toEqual({
      result: 'found',
      reason: `the index of ${repo.url} has strimzi-kafka-operator 0.50.1+build.7`,
      digest,
    });
    expect(await client.check({ chart: 'cert-manager', version: 'v1.16.1', repository: repo.url })).toMatchObject({ result: 'found' });
    // The pinned digest, with or without its algorithm.
    for (const pinned of [digest, digest.slice('sha256:'.length)])
      expect(
        await client.check({ chart: 'strimzi-kafka-operator', version: '0.50.1', repository: repo.url, digest: pinned }),
      ).toMatchObject({
        result: 'found',
        reason: expect.stringContaining('with the pinned digest'),
      });
  });

  it('a sha512 pin is left to the pull, a FAKE stand-in is not compared', async () => {
    const client = new ChartRepoClient();
    expect(
      await client.check({ chart: 'strimzi-kafka-operator', version: '0.50.1', repository: repo.url, digest: `sha512:${'1'.repeat(128)}` }),
    ).toMatchObject({
      result: 'found',
      reason: expect.stringContaining('the pinned sha512 digest is checked on the archive when it is pulled'),
    });
    expect(
      await client.check({ chart: 'opensearch-operator', version: '2.6.1', repository: repo.url, digest: `sha256:${'2'.repeat(64)}` }),
    ).toMatchObject({ result: 'found', reason: expect.stringContaining('a FAKE stand-in: the pinned digest is not compared') });
  });

  it('version missing, chart missing, digest differs', async () => {
    const client = new ChartRepoClient();
    expect(await client.check({ chart: 'strimzi-kafka-operator', version: '0.51.0', repository: repo.url })).toMatchObject({
      result: 'not-found',
      reason: `the index of ${repo.url} has no strimzi-kafka-operator 0.51.0 (its newest is 0.50.1+build.7)`,
    });
    expect(await client.check({ chart: 'flink-kubernetes-operator', version: '1.9.0', repository: repo.url })).toMatchObject({
      result: 'not-found',
      reason: `the index of ${repo.url} has no chart named flink-kubernetes-operator`,
    });
    const other = `sha256:${'0'.repeat(64)}`;
    expect(await client.check({ chart: 'strimzi-kafka-operator', version: '0.50.1', repository: repo.url, digest: other })).toEqual({
      result: 'digest-differs',
      reason: `strimzi-kafka-operator 0.50.1+build.7 in the index of ${repo.url} has digest ${digest}, the plan pins ${other}`,
      digest,
    });
  });

  it('no index, a quota, nobody there', async () => {
    const missing = await statusServer(404);
    const limited = await statusServer(429);
    servers.push(missing.server, limited.server);
    const now = Date.UTC(2026, 11, 1, 9, 0, 0);
    const client = new ChartRepoClient({ now: () => now });
    expect(await client.check({ chart: 'x', version: '1', repository: missing.url })).toMatchObject({ result: 'not-found', status: 404 });
    expect(await client.check({ chart: 'x', version: '1', repository: limited.url })).toMatchObject({
      result: 'rate-limited',
      status: 429,
      retryAt: now + 120_000,
    });
    const closed = `http://127.0.0.1:${await freePort()}/`;
    expect(await client.check({ chart: 'x', version: '1', repository: closed })).toMatchObject({
      result: 'unreachable',
      network: 'refused',
    });
  });
});
