// Where an operator's chart archive is read from: the packaged app's own archive first, then the data
// folder's cache (which the operator step fills by downloading when it is empty).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledChart, chartCache, operatorArchive } from './chart-trust.js';

describe('operatorArchive', () => {
  const chart = { name: 'strimzi-kafka-operator', version: '0.50.1' };
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("uses the archive the app ships before the data folder's cache, and the cache without one (a checkout)", () => {
    root = mkdtempSync(join(tmpdir(), 'logclaw-chart-lookup-'));
    const appRoot = join(root, 'app');
    const dataDir = join(root, 'data');
    const cache = chartCache(dataDir, chart).archive;
    mkdirSync(dirname(cache), { recursive: true });
    writeFileSync(cache, 'cached');

    expect(operatorArchive(appRoot, dataDir, chart)).toEqual({ archive: cache, bundled: false });

    const shipped = bundledChart(appRoot, chart);
    expect(shipped).toBe(join(appRoot, 'resources', 'operator-charts', 'strimzi-kafka-operator-0.50.1.tgz'));
    mkdirSync(dirname(shipped), { recursive: true });
    writeFileSync(shipped, 'shipped');
    expect(operatorArchive(appRoot, dataDir, chart)).toEqual({ archive: shipped, bundled: true });
    // Another version of the chart is not the one shipped.
    expect(operatorArchive(appRoot, dataDir, { ...chart, version: '0.51.0' }).bundled).toBe(false);
  });
});
