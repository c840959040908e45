// The Search pane in Chromium through the loopback bridge, against the real OpenSearch node:
// connect, search, histogram, table, row detail, quick filters, zoom, DSL errors, saved queries,
// indices and delete. Screenshots in test-results/e2e/search*.png.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, launchChromium, screenshotPath } from '../support/browser.js';
import { pathWith, startServe } from '../support/cli.js';
import { useTestEnv } from '../support/test-env.js';
import { createIndex, dropIndices, logDocs, uniquePrefix } from './fixtures.js';

const prefix = uniquePrefix('e2e');
const pattern = `${prefix}-*`;
// 360 logs over the last 36 minutes (one every 6 s), split over two daily indices: all of them stay
// inside "Last 1 hour" while the test runs.
const DOCS = logDocs(360, Date.now() - 5_000, 6_000);

describe('search pane in a browser', () => {
  let browser: Browser;
  let page: Page;
  let serve: ChildProcess;
  let url: string;
  let home: string;
  let client: Client;
  let osUrl: string;

  beforeAll(async () => {
    const [{ opensearch }] = await Promise.all([useTestEnv('opensearch'), buildRenderer()]);
    osUrl = opensearch.url;
    client = new Client({ node: osUrl });
    await createIndex(client, `${prefix}-2026.11.01`, DOCS.slice(0, 100));
    await createIndex(client, `${prefix}-2026.11.02`, DOCS.slice(100));
    home = mkdtempSync(join(tmpdir(), 'logclaw-e2e-search-'));
    ({ url, child: serve } = await startServe({
      PATH: pathWith(),
      HOME: process.env.HOME,
      LOGCLAW_HOME: join(home, 'data'),
      KUBECONFIG: join(home, 'none'),
    }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  });
  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    if (client) {
      await dropIndices(client, `${prefix}*`);
      await client.close();
    }
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const results = () => page.getByRole('table', { name: 'Search results' });
  const count = () => page.getByRole('status', { name: 'Result count' }).textContent();

  it('asks where OpenSearch is, then connects and shows the cluster health', async () => {
    await page.goto(url);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Search/ })
      .click();
    const empty = page.getByRole('region', { name: 'Connect to OpenSearch' });
    await empty.waitFor();
    expect(await empty.textContent()).toContain('No OpenSearch connection is set up');
    await page.screenshot({ path: screenshotPath('search-connect') });
    await page.getByRole('textbox', { name: 'OpenSearch URL' }).fill(osUrl);
    await page.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => page.locator('.sr-cluster-chip').textContent()).toMatch(/logclaw-test\s*(green|yellow)/);
    await page.getByRole('button', { name: `Connection: ${osUrl}` }).waitFor();
  });

  it('runs a query: histogram, virtualized table, "showing N of M", row detail; Esc closes it', async () => {
    await page.getByRole('combobox', { name: 'Index pattern' }).fill(pattern);
    await page.getByRole('textbox', { name: 'Query' }).fill('level:ERROR OR message:payment');
    await page.getByRole('textbox', { name: 'Query' }).press('Enter');
    const expected = DOCS.filter((d) => d.level === 'ERROR' || d.message.startsWith('Payment')).length;
    await expect.poll(count).toBe(`showing ${expected} of ${expected} hits`);
    const histogram = page.getByRole('group', { name: /^Hits over time/ });
    expect(await histogram.getAttribute('aria-label')).toContain(`${expected} hits in`);
    expect(await histogram.getByRole('button').count()).toBeGreaterThan(20);
    // Newest first; only the rows in view are in the DOM.
    const rows = results().locator('tbody tr[aria-rowindex]');
    expect(await rows.count()).toBeLessThan(expected);
    // Rows are exactly as tall as the virtualizer assumes (25 px), so scrolling stays exact.
    expect(Math.round((await rows.nth(2).boundingBox())!.height)).toBe(25);
    expect(await rows.first().textContent()).toMatch(/s ago|min ago/);
    expect(await results().locator('th[aria-sort="descending"]').textContent()).toContain('ingest_timestamp');
    expect(await page.getByRole('button', { name: /^Level ERROR: \d+ hits$/ }).count()).toBe(1);

    await rows.nth(1).click();
    const detail = page.getByRole('complementary', { name: 'Document detail' });
    await detail.waitFor();
    const newestMatch = [...DOCS].reverse().filter((d) => d.level === 'ERROR' || d.message.startsWith('Payment'))[1]!;
    expect(await detail.getByLabel('Document JSON').textContent()).toContain(`"message": "${newestMatch.message}"`);
    await page.screenshot({ path: screenshotPath('search') });
    expect(statSync(screenshotPath('search')).size).toBeGreaterThan(30_000);
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);
  });

  it('filters by level from the quick filters and zooms into a histogram bar', async () => {
    await page.getByRole('textbox', { name: 'Query' }).fill('');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(count).toBe('showing 360 of 360 hits');
    await page.getByRole('button', { name: /^Level WARN: 90 hits$/ }).click();
    await expect.poll(count).toBe('showing 90 of 90 hits');
    expect(await page.getByRole('button', { name: /^Level WARN/ }).getAttribute('aria-pressed')).toBe('true');
    // Other levels still show their counts (a facet ignores its own selection).
    await page.getByRole('button', { name: /^Level ERROR: 90 hits$/ }).waitFor();
    const bar = page
      .getByRole('group', { name: /^Hits over time/ })
      .getByRole('button')
      .first();
    const label = (await bar.getAttribute('aria-label'))!;
    const zoomedCount = Number(/: (\d+) hits$/.exec(label)![1]);
    await bar.click();
    await expect.poll(count).toBe(`showing ${zoomedCount} of ${zoomedCount} hits`);
    expect(await page.getByRole('combobox', { name: 'Time range' }).inputValue()).toBe('custom');
    await page.getByRole('button', { name: 'clear filters' }).click();
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('1h');
    await expect.poll(count).toBe('showing 360 of 360 hits');
  });

  it('pages beyond the first page with "Load more"', async () => {
    await page.getByRole('combobox', { name: 'Page size' }).selectOption('100');
    await expect.poll(count).toBe('showing 100 of 360 hits');
    await page.getByRole('button', { name: 'Load 100 more' }).click();
    await expect.poll(count).toBe('showing 200 of 360 hits');
    await page.getByRole('combobox', { name: 'Page size' }).selectOption('500');
    await expect.poll(count).toBe('showing 360 of 360 hits');
  });

  it('runs the query DSL with Ctrl+Enter and shows OpenSearch’s error at its position', async () => {
    await page.getByRole('button', { name: 'Query DSL' }).click();
    const editor = page.getByRole('textbox', { name: 'Query DSL' });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('{\n  "query": {\n    "matchx": { "level": "WARN" }\n  }\n}');
    await page.keyboard.press('Control+Enter');
    const error = page.getByRole('alert').filter({ hasText: 'QUERY_INVALID' });
    await error.waitFor();
    expect(await error.textContent()).toContain('unknown query [matchx]');
    await page.locator('.cm-lintRange-error').first().waitFor();
    await page.screenshot({ path: screenshotPath('search-dsl') });

    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('{\n  "query": { "term": { "level": "WARN" } },\n  "sort": [{ "seq": "asc" }]\n}');
    await page.keyboard.press('Control+Enter');
    await expect.poll(count).toBe('showing 90 of 90 hits');
    expect(await error.count()).toBe(0);
  });

  it('saves a query that survives a reload, and applies it', async () => {
    await page.getByRole('button', { name: 'Save query…' }).click();
    await page.getByRole('textbox', { name: 'Query name' }).fill('warnings by seq');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.reload();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Search/ })
      .click();
    const saved = page.getByRole('combobox', { name: 'Saved queries' });
    await expect.poll(() => saved.locator('option').allTextContents()).toContain('warnings by seq');
    await saved.selectOption({ label: 'warnings by seq' });
    await expect.poll(count).toBe('showing 90 of 90 hits');
    expect(await page.getByRole('button', { name: 'Query DSL' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('lists indices grouped by pattern and deletes one after naming it', async () => {
    await page.getByRole('tab', { name: 'Cluster & indices' }).click();
    const table = page.getByRole('table', { name: 'Indices' });
    await page.getByRole('textbox', { name: 'Filter indices' }).fill(prefix);
    const row = (name: string) => table.locator(`tr[data-index="${name}"]`);
    await row(`${prefix}-2026.11.01`).waitFor();
    expect(await row(`${prefix}-2026.11.01`).textContent()).toContain('100');
    expect(await row(`${prefix}-2026.11.02`).textContent()).toContain('260');
    expect(await table.locator(`tr[data-pattern="${pattern}"]`).textContent()).toContain('360');
    expect(await page.getByRole('table', { name: 'Nodes' }).locator('tbody tr').count()).toBe(1);

    await page.getByRole('button', { name: `Delete index ${prefix}-2026.11.01` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete index ${prefix}-2026.11.01` });
    const confirm = dialog.getByRole('button', { name: `Delete ${prefix}-2026.11.01` });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Index name to confirm' }).fill(`${prefix}-2026.11.01`);
    await page.screenshot({ path: screenshotPath('search-delete') });
    await confirm.click();
    await expect.poll(() => row(`${prefix}-2026.11.01`).count()).toBe(0);
    expect((await client.indices.exists({ index: `${prefix}-2026.11.01` })).body).toBe(false);
    await page.screenshot({ path: screenshotPath('search-indices') });
  });
});
