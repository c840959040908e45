// Benchmark: time from running a query to the results table painted in Chromium, for 500 and
// 5 000 hits, median over runs. Prints medians per size.
//
//   npx tsx scripts/bench/search-render.ts [--runs 9] [--sizes 500,5000] [--opensearch http://host:9200] [--no-build]
//
// Without --opensearch it starts the project's test-env OpenSearch in a private state folder and
// stops it at the end. The path measured is the browser UI's real one: `logclaw serve` (a separate
// process), the built renderer in Debian's Chromium, the query sent over the loopback bridge with
// its histogram and quick-filter aggregations. The renderer sets Performance marks
// (renderer/src/features/search/perf.ts): search:run (query sent), search:response (answer in),
// search:painted (first frame after the table rendered), read here through Playwright.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { formatCount } from '#contract/format.js';
import { sourceRoot } from '../../electron/services/paths.js';
import { down, up } from '../test-env/env.js';
import { startServe } from '../../tests/support/cli.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    sizes: { type: 'string', default: '500,5000' },
    opensearch: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const SIZES = values.sizes.split(',').map(Number);
const DOCS = Math.max(...SIZES);
const log = (line: string) => process.stderr.write(`${line}\n`);
const root = sourceRoot();

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Realistic log lines: LogClaw's four fields plus a few Kubernetes ones, messages of varied length. */
function documents(count: number, newest: number): object[] {
  const levels = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR', 'DEBUG'];
  const services = ['checkout', 'payment-api', 'auth', 'inventory', 'gateway', 'notifications'];
  const words = 'request completed upstream timeout retry cache miss user session order payment token refresh queue latency shard'.split(
    ' ',
  );
  return Array.from({ length: count }, (_, i) => ({
    ingest_timestamp: new Date(newest - i * 200).toISOString(),
    level: levels[i % levels.length],
    service: services[i % services.length],
    message: `${words[i % words.length]} ${Array.from({ length: 6 + (i % 24) }, (_, j) => words[(i * 7 + j) % words.length]).join(' ')} id=${i}`,
    trace_id: randomBytes(8).toString('hex'),
    kubernetes: { namespace: 'logclaw-dev-local', pod: `${services[i % services.length]}-${(i % 3) + 1}`, node: 'kind-worker' },
    latency_ms: (i * 37) % 1500,
  }));
}

const stateDir = await mkdtemp(join(tmpdir(), 'logclaw-bench-env-'));
const home = await mkdtemp(join(tmpdir(), 'logclaw-bench-home-'));
let serve: ChildProcess | undefined;
let client: Client | undefined;
const index = `logclaw-logs-bench${randomBytes(3).toString('hex')}-2026.11.01`;
try {
  let osUrl = values.opensearch;
  if (!osUrl) {
    log('starting the test-env OpenSearch…');
    const endpoints = (await up(['opensearch'], { stateDir, log })) as { opensearch: { url: string } };
    osUrl = endpoints.opensearch.url;
  }
  client = new Client({ node: osUrl });
  log(`indexing ${DOCS} documents into ${index}…`);
  await client.indices.create({
    index,
    body: {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          ingest_timestamp: { type: 'date' },
          level: { type: 'keyword' },
          service: { type: 'keyword' },
          message: { type: 'text' },
          trace_id: { type: 'keyword' },
          latency_ms: { type: 'integer' },
        },
      },
    } as never,
  });
  const docs = documents(DOCS, Date.now() - 60_000);
  for (let i = 0; i < docs.length; i += 2000) {
    const bulk = await client.bulk({
      body: docs.slice(i, i + 2000).flatMap((doc) => [{ index: { _index: index } }, doc]),
      refresh: i + 2000 >= docs.length,
    });
    if (bulk.body.errors) throw new Error('bulk indexing failed');
  }

  if (!values['no-build']) {
    log('building the renderer…');
    await build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  }
  const served = await startServe({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOGCLAW_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'none'),
  });
  serve = served.child;
  const token = new URL(served.url).searchParams.get('token')!;
  const saved = await fetch(new URL('/api/invoke/search:setConnection', served.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify({ connection: { url: osUrl } }),
  });
  if (!((await saved.json()) as { ok: boolean }).ok) throw new Error('could not save the OpenSearch connection');

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(served.url);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Search/ })
      .click();
    await page.getByRole('combobox', { name: 'Index pattern' }).fill(index);
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('all');
    const status = page.getByRole('status', { name: 'Result count' });
    const measures = () => page.evaluate(() => performance.getEntriesByName('search:render').length);

    /** Runs the query once (Run button) and returns its marks, after the table painted. */
    async function runOnce(size: number): Promise<{ total: number; paint: number; took: number }> {
      const before = await measures();
      await page.getByRole('button', { name: /^(Run|Running…)$/ }).click();
      await page.waitForFunction((n) => performance.getEntriesByName('search:render').length > n, before, { timeout: 60_000 });
      const text = await status.textContent();
      const shown = Number(/showing ([\d,]+)/.exec(text ?? '')?.[1]?.replaceAll(',', ''));
      if (shown !== size) throw new Error(`expected ${size} hits shown, the page says "${text}"`);
      const took = Number(
        /took ([\d,]+) ms/.exec((await page.locator('.sr-resultbar').textContent()) ?? '')?.[1]?.replaceAll(',', '') ?? 0,
      );
      const marks = await page.evaluate(() => ({
        total: performance.getEntriesByName('search:render').at(-1)!.duration,
        paint: performance.getEntriesByName('search:paint').at(-1)!.duration,
      }));
      return { ...marks, took };
    }

    const rows: Array<{ size: number; total: number; paint: number; took: number; runs: number }> = [];
    for (const size of SIZES) {
      await page.getByRole('combobox', { name: 'Page size' }).waitFor();
      const options = await page.getByRole('combobox', { name: 'Page size' }).locator('option').allTextContents();
      if (!options.includes(formatCount(size))) throw new Error(`page size ${size} is not offered (${options.join(', ')})`);
      await page.getByRole('combobox', { name: 'Page size' }).selectOption(String(size));
      // The page's CSP forbids string evaluation: poll from here.
      for (let waited = 0; !((await status.textContent()) ?? '').includes(`showing ${formatCount(size)} of`); waited += 100) {
        if (waited > 60_000) throw new Error(`the page never showed ${size} hits: "${await status.textContent()}"`);
        await page.waitForTimeout(100);
      }
      await runOnce(size); // warm-up: JIT, OpenSearch caches
      const samples = [];
      for (let run = 0; run < RUNS; run += 1) samples.push(await runOnce(size));
      rows.push({
        size,
        total: median(samples.map((s) => s.total)),
        paint: median(samples.map((s) => s.paint)),
        took: median(samples.map((s) => s.took)),
        runs: RUNS,
      });
      log(`  ${size} hits: ${samples.map((s) => s.total.toFixed(0)).join(', ')} ms`);
    }
    const pad = (text: string, width: number) => text.padStart(width);
    console.log(`search → table painted in Chromium (median of ${RUNS} runs, ${DOCS} docs indexed, histogram + facets included)`);
    console.log(`${pad('hits', 6)}  ${pad('run→painted', 12)}  ${pad('response→painted', 17)}  ${pad('OpenSearch took', 16)}`);
    for (const row of rows) {
      console.log(
        `${pad(String(row.size), 6)}  ${pad(`${row.total.toFixed(0)} ms`, 12)}  ${pad(`${row.paint.toFixed(0)} ms`, 17)}  ${pad(`${row.took.toFixed(0)} ms`, 16)}`,
      );
    }
    console.log(JSON.stringify({ bench: 'search-render', runs: RUNS, results: rows }));
  } finally {
    await browser.close();
  }
} finally {
  serve?.kill('SIGTERM');
  if (client) {
    await client.indices.delete({ index }).catch(() => undefined);
    await client.close();
  }
  if (!values.opensearch) await down({ stateDir, log: () => undefined });
  await rm(home, { recursive: true, force: true });
}
