// `logclaw preflight` asks, before anything is created, whether every image of the chosen profile and
// every operator chart can be pulled: here the images go through a mirror (global.imageRegistry set
// to the test env's real distribution registry, where only Vector's image was pushed) and the
// operator charts come from the FAKE operator chart repository. `--report FILE` keeps the answers.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealityItem } from '#contract/images.js';
import type { PreflightReport } from '#contract/stack.js';
import { runCli } from '../support/cli.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';
import { pushImage } from '../images/support.js';
import { type StackTestSetup, stackEnv, stackSetup } from './support.js';

describe('preflight: can every image and operator chart be pulled', () => {
  let home: string;
  let setup: StackTestSetup;
  let registry: EndpointTypes['registry'];
  let env: NodeJS.ProcessEnv;
  let values: string;
  let vectorDigest: string;

  beforeAll(async () => {
    const { tools, registry: mirror } = await useTestEnv('tools', 'registry');
    registry = mirror;
    setup = await stackSetup(tools);
    home = mkdtempSync(join(tmpdir(), 'logclaw-reality-'));
    // A mirror keeps the path and replaces the registry (resources/images.yaml).
    vectorDigest = await pushImage(registry, 'timberio/vector', '0.38.0-debian');
    values = join(home, 'mirror.yaml');
    writeFileSync(values, `global:\n  imageRegistry: ${registry.host}\n`);
    // No Docker login of this machine's user: anonymous everywhere.
    env = stackEnv(setup, join(home, 'data'), { DOCKER_CONFIG: join(home, 'no-docker-config') });
  }, 600_000);

  afterAll(async () => {
    await setup?.operators.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('groups the answers, failures first, writes the report and creates nothing', async () => {
    const report = join(home, 'reality.json');
    const run = await runCli(['preflight', '--cluster', 'rl', '--values', values, '--report', report], env);
    // The mirror lacks five images: the install would fail pulling them.
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/asking registries: (\d+)\/\1\b/);
    expect(run.stderr).toContain(`Reality report written to ${report}`);
    const out = run.stdout;
    expect(out).toMatch(/^✗ Images can be pulled: 5 not found, .*\d+ found/m);
    expect(out).toMatch(/^✓ Operator charts are in their repositories: All 3 found/m);
    expect(out.indexOf('✗ Not found (5)')).toBeGreaterThan(out.indexOf('Images and charts: '));
    expect(out.indexOf('✗ Not found (5)')).toBeLessThan(out.indexOf('✓ Found ('));
    expect(out).toContain(`    fix (all 5): Pin a tag that ${registry.host} has, or mirror the image and point global.imageRegistry`);
    expect(out).toContain(`    ${registry.host}/timberio/vector:0.38.0-debian  ${vectorDigest}  (image · ${registry.host} · ingestion)`);

    const file = JSON.parse(readFileSync(report, 'utf8')) as {
      kind: string;
      tenant: string;
      target: unknown;
      app: { version: string };
      summary: Record<string, number>;
      items: RealityItem[];
    };
    expect(file).toMatchObject({ kind: 'logclaw-reality-report', tenant: 'dev-local', target: { mode: 'kind', cluster: 'rl' } });
    expect(file.summary['not-found']).toBe(5);
    const item = (ref: string) => file.items.find((candidate) => candidate.ref === ref);
    expect(item(`${registry.host}/timberio/vector:0.38.0-debian`)).toMatchObject({
      kind: 'image',
      registry: registry.host,
      usedBy: ['ingestion'],
      result: 'found',
      digest: vectorDigest,
    });
    expect(item(`${registry.host}/library/busybox:1.38.0`)).toMatchObject({
      result: 'not-found',
      reason: `${registry.host} has no library/busybox:1.38.0 (404)`,
      fix: expect.stringContaining('global.imageRegistry'),
    });
    // The workloads' stock node image is pulled like any other (not pushed to this mirror).
    expect(item(`${registry.host}/library/node:22.23.2-alpine`)).toMatchObject({
      result: 'not-found',
      usedBy: ['anomaly-scorer', 'ticketing-agent'],
    });
    // The FAKE operator charts answer from their repository; the pinned digests are the real charts'.
    for (const chart of ['cert-manager v1.16.1', 'external-secrets 0.10.3', 'strimzi-kafka-operator 0.50.1'])
      expect(item(chart)).toMatchObject({ kind: 'chart', registry: setup.operators.url, result: 'found' });
    // The operators' own images are not mirrored: whatever their registries answer from here, it is an answer.
    for (const operatorImage of file.items.filter((candidate) => candidate.ref.startsWith('quay.io/jetstack/')))
      expect(['found', 'unreachable', 'rate-limited']).toContain(operatorImage.result);
    // Before anything is created: no cluster, no kubeconfig.
    expect(existsSync(join(home, 'data', 'fake-kind'))).toBe(false);
    expect(existsSync(join(home, 'data', 'stack', 'kubeconfig'))).toBe(false);
  });

  it('--json carries the reality report; --offline asks no registry', async () => {
    const json = await runCli(['preflight', '--cluster', 'rl', '--values', values, '--json'], env);
    const report = JSON.parse(json.stdout) as PreflightReport;
    expect(report.reality?.items.length).toBeGreaterThan(4);
    expect(report.checks.map((check) => check.id).slice(-2)).toEqual(['images', 'charts']);
    const offline = await runCli(['preflight', '--cluster', 'rl', '--values', values, '--offline', '--json'], env);
    const quiet = JSON.parse(offline.stdout) as PreflightReport;
    expect(quiet.reality).toBeUndefined();
    expect(quiet.checks.map((check) => check.id)).not.toContain('images');
  });
});
