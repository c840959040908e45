// charts:operators with real helm against the FAKE operator chart repository (the real ones cannot be
// reached here): each chart with a digest is downloaded, checked and put where the packaged app reads
// it; one without a digest is left out; one that does not match its digest stops the script, unkept.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { bundledChart, digestOf, operatorArchive } from '../../electron/services/stack/chart-trust.js';
import { type PlanOperator, readPlan } from '../../electron/services/stack/plan.js';
import { type OperatorRepo, serveOperatorCharts } from '../../tests/stack/support.js';
import { useTestEnv } from '../../tests/support/test-env.js';
import { REPO_ROOT } from './lib.js';
import { bundleOperatorCharts } from './operators.js';

describe('charts:operators', () => {
  let helm: string;
  let repo: OperatorRepo;
  let work: string;
  /** The plan's operators, each digest as the FAKE repository's index.yaml publishes it (those without one stay so: cert-manager). */
  let operators: PlanOperator[];

  beforeAll(async () => {
    ({
      tools: { helm },
    } = await useTestEnv('tools'));
    repo = await serveOperatorCharts(helm);
    work = mkdtempSync(join(tmpdir(), 'logclaw-bundle-'));
    const index = YAML.parse(await (await fetch(`${repo.url}index.yaml`)).text()) as {
      entries: Record<string, Array<{ digest: string }>>;
    };
    operators = readPlan(REPO_ROOT).operators.map((operator) => ({
      ...operator,
      chart: {
        ...operator.chart,
        digest: operator.chart.digest ? `sha256:${index.entries[operator.chart.name]![0]!.digest}` : null,
        digestSource: operator.chart.digest ? "the FAKE repository's index.yaml" : operator.chart.digestSource,
      },
    }));
  }, 600_000);
  afterAll(async () => {
    await repo?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('bundles every operator chart with a digest, checked, where the packaged app looks first; electron-builder ships that folder', async () => {
    const out = join(work, 'bundle');
    const lines: string[] = [];
    const result = await bundleOperatorCharts({ helm, operators, out, repository: repo.url, log: (line) => lines.push(line) });
    const withDigest = operators.filter((operator) => operator.chart.digest);
    expect(result).toEqual({
      bundled: withDigest.map((operator) => operator.chart.name),
      withoutDigest: operators.filter((operator) => !operator.chart.digest).map((operator) => operator.chart.name),
    });
    expect(result.withoutDigest).toContain('cert-manager');
    expect(lines).toContainEqual(expect.stringMatching(/^cert-manager v1\.16\.1: not bundled, it has no digest \(not established: /));
    for (const { chart } of withDigest) {
      const archive = bundledChart(out, chart);
      expect(`sha256:${digestOf(readFileSync(archive), 'sha256')}`).toBe(chart.digest);
      expect(operatorArchive(out, join(work, 'data'), chart)).toEqual({ archive, bundled: true });
    }
    expect(readdirSync(join(out, 'resources', 'operator-charts')).sort()).toEqual(
      withDigest.map(({ chart }) => `${chart.name}-${chart.version}.tgz`).sort(),
    );
    // The download folders are gone: the bundle holds the archives only.
    expect(readdirSync(out)).toEqual(['resources']);

    const builder = YAML.parse(readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as {
      extraResources: Array<{ from: string; to: string }>;
    };
    expect(builder.extraResources).toContainEqual({ from: 'bundle/resources/operator-charts', to: 'resources/operator-charts' });
  }, 300_000);

  it('stops at an archive that does not match its digest and keeps none of it', async () => {
    const out = join(work, 'tampered');
    const strimzi = operators.find((operator) => operator.name === 'strimzi')!;
    const wrong = { ...strimzi, chart: { ...strimzi.chart, digest: `sha256:${'0'.repeat(64)}` } };
    await expect(bundleOperatorCharts({ helm, operators: [wrong], out, repository: repo.url })).rejects.toThrow(
      new RegExp(
        `^strimzi-kafka-operator 0\\.50\\.1 from ${repo.url.replaceAll('.', '\\.')} has sha256 [0-9a-f]{64}, but 0{64} is expected`,
      ),
    );
    expect(existsSync(bundledChart(out, wrong.chart))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  }, 300_000);
});
