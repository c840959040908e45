// Every chart passes `helm lint --strict` with each of its ci/*-values.yaml and renders with each,
// with helm 3 and helm 4.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintCharts } from '../../scripts/charts/lint.js';
import { ALL_CHARTS, INSTALLABLE, ciValuesFiles } from '../../scripts/charts/lib.js';
import { useTestEnv } from '../support/test-env.js';
import { preparedCharts, render } from './support.js';

let tools: { helm: string; helm4: string };
let chartsDir: string;

beforeAll(async () => {
  ({ tools } = await useTestEnv('tools'));
  chartsDir = await preparedCharts(tools.helm);
});

describe('charts', () => {
  it('every installable chart has a schema, documented values and a local default-values.yaml scenario', () => {
    for (const chart of INSTALLABLE) {
      const files = readdirSync(join(chartsDir, chart));
      expect(files, chart).toEqual(expect.arrayContaining(['Chart.yaml', 'values.yaml', 'values.schema.json']));
      expect(ciValuesFiles(join(chartsDir, chart)).map((f) => f.split('/').pop())[0], chart).toBe('default-values.yaml');
    }
  });

  for (const [major, key] of [
    ['3', 'helm'],
    ['4', 'helm4'],
  ] as const) {
    it(`helm ${major}: lint --strict passes for every chart with every ci/*-values.yaml`, async () => {
      const failures = await lintCharts(tools[key], ALL_CHARTS, chartsDir);
      expect(failures.map((f) => `${f.chart} ${f.values}:\n${f.output}`)).toEqual([]);
    }, 240_000);

    it(`helm ${major}: every ci scenario renders objects`, async () => {
      for (const chart of INSTALLABLE) {
        for (const file of ciValuesFiles(join(chartsDir, chart))) {
          const docs = await render(tools[key], chartsDir, chart, { files: [file] });
          // logclaw-flink's local profile renders nothing (jobs off) by design.
          if (!(chart === 'logclaw-flink' && file.endsWith('default-values.yaml')))
            expect(docs.length, `${chart} ${file}`).toBeGreaterThan(0);
        }
      }
    }, 240_000);
  }
});
