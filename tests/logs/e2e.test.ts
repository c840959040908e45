// The Logs pane in Chromium through the loopback bridge (`logclaw serve`), with the Vector stand-in
// writing to the real Kafka and OpenSearch: save the Vector URL, send a template, generate a burst
// through a short outage (counters and chart), run a trace, start the canary (top-bar health),
// produce an anomaly. Screenshot in test-results/e2e/logs.png.
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { Client } from '@opensearch-project/opensearch';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VectorReceiver, ensurePipelineTopics, startVectorReceiver } from '../fakes/vector-receiver.js';
import { buildRenderer, launchChromium, screenshotPath } from '../support/browser.js';
import { pathWith, startServe } from '../support/cli.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { seqReport } from './support.js';

const tempDir = useTempDir('logclaw-logs-e2e-');

describe('Logs pane in a browser', () => {
  let browser: Browser;
  let page: Page;
  let serve: ChildProcess;
  let receiver: VectorReceiver;
  let osUrl: string;
  let token: string;
  let url: string;

  beforeAll(async () => {
    const [{ kafka, opensearch }] = await Promise.all([useTestEnv('kafka', 'opensearch'), buildRenderer()]);
    osUrl = opensearch.url;
    await ensurePipelineTopics(kafka.brokers);
    receiver = await startVectorReceiver({ kafka: { brokers: kafka.brokers }, opensearch: { url: osUrl }, keep: true });
    const home = tempDir();
    ({ url, child: serve } = await startServe({
      PATH: pathWith(),
      HOME: home,
      LOGCLAW_HOME: `${home}/data`,
      KUBECONFIG: `${home}/none`,
      LOGCLAW_KAFKA_BROKERS: kafka.brokers,
    }));
    token = new URL(url).searchParams.get('token')!;
    // OpenSearch as a user set it up in the Search pane.
    await fetch(new URL('/api/invoke/search:setConnection', url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ connection: { url: osUrl } }),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(url);
  });
  afterAll(async () => {
    if (token && url)
      await fetch(new URL('/api/invoke/logs:canaryStop', url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: '{}',
      }).catch(() => undefined);
    await browser?.close();
    serve?.kill('SIGTERM');
    await receiver?.close();
    if (osUrl) {
      const os = new Client({ node: osUrl });
      await os
        .deleteByQuery({
          index: 'logclaw-logs-*',
          body: { query: { terms: { 'service.keyword': ['logclaw-trace', 'logclaw-canary'] } } },
          refresh: true,
        } as never)
        .catch(() => undefined);
      await os.close();
    }
  });

  const counter = (name: string) => page.getByRole('group', { name: 'Generator counters' }).getByLabel(name, { exact: true }).textContent();

  it('saves the Vector URL and sends a template from the composer', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Logs/ }).click();
    await page.getByRole('textbox', { name: 'Vector URL' }).fill(receiver.url);
    await page.getByRole('form', { name: 'Vector URL' }).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Vector URL saved' }).count()).toBe(1);

    await page
      .getByRole('option', { name: /checkout-order/ })
      .getByRole('button')
      .click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Log event JSON' }).textContent()).toContain('"order_id": "18734"');
    await page.getByRole('button', { name: 'Send to Vector' }).click();
    await page.getByRole('list', { name: 'Sent' }).getByText('HTTP 200').waitFor();
    await expect.poll(() => receiver.events.filter((e) => e.order_id === '18734').length).toBe(1);

    // A broken edit is caught before anything is sent.
    await page.getByRole('textbox', { name: 'Log event JSON' }).click();
    await page.keyboard.press('End');
    await page.keyboard.insertText(',');
    await expect.poll(() => page.getByRole('status', { name: 'Event validation' }).textContent()).toMatch(/^Not valid JSON/);
    expect(await page.getByRole('button', { name: 'Send to Vector' }).isDisabled()).toBe(true);
    await page
      .getByRole('option', { name: /payment-timeout/ })
      .getByRole('button')
      .click();
    await expect.poll(() => page.getByRole('status', { name: 'Event validation' }).textContent()).toMatch(/^Valid: 1 event/);
  });

  it('generates a burst through an outage: live counters, retries, and the rate chart', async () => {
    receiver.reset();
    await page.getByRole('combobox', { name: 'Profile' }).selectOption('burst');
    await page.getByRole('textbox', { name: 'Rate (events/s)' }).fill('2000');
    await page.getByRole('textbox', { name: 'Duration (s)' }).fill('6');
    // Vector answers 503 from the start: the counters show retries and events held in flight.
    receiver.fail({ kind: 'status', status: 503 });
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => counter('Retried').then(Number), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(Number(await counter('In flight'))).toBeGreaterThan(0);
    expect(await counter('Accepted')).toBe('0');
    receiver.fail(null);
    await expect.poll(() => receiver.events.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const runId = String(receiver.events[0]!.logclaw_run);
    await expect.poll(() => counter('Generated'), { timeout: 30_000 }).toBe('4000 / 4000');
    await expect.poll(() => counter('Accepted'), { timeout: 30_000 }).toBe('4000');
    expect(await counter('Failed')).toBe('0');
    expect(await counter('Sent')).toBe('4000');
    // At least once: every event arrived (a request that timed out under load may arrive twice).
    expect(seqReport(receiver.events, runId).missing).toBe(0);
    expect(seqReport(receiver.events, runId).distinct).toBe(4000);
    const chart = page.getByRole('img', { name: /^Rate chart: \d+ samples/ });
    expect(Number(/(\d+) samples/.exec((await chart.getAttribute('aria-label'))!)![1])).toBeGreaterThan(8);
    expect(await page.getByRole('button', { name: 'Stop', exact: true }).isDisabled()).toBe(true);
  });

  it('runs a trace: each hop with its latency on the strip', async () => {
    await page.getByRole('button', { name: 'Run trace' }).click();
    const result = page.getByRole('group', { name: 'Trace result' });
    await result.getByText('reached every hop').waitFor({ timeout: 40_000 });
    for (const hop of ['Vector HTTP source', 'Kafka raw-logs', 'OpenSearch'])
      await result.getByRole('listitem', { name: `Hop ${hop}: ok` }).waitFor();
    expect(
      await page
        .getByRole('img', { name: /^Per-hop latency: Vector HTTP source ok \d+ ms, Kafka raw-logs ok \d+ ms, OpenSearch ok [\d.]+ m?s$/ })
        .count(),
    ).toBe(1);
  });

  it('starts the canary: per-hop stats and a health indicator in the top bar', async () => {
    await page.getByRole('combobox', { name: 'Canary interval' }).selectOption('500');
    await page.getByRole('button', { name: 'Start canary' }).click();
    const indicator = page.getByRole('banner').getByRole('button', { name: /^Canary / });
    await expect.poll(() => indicator.getAttribute('aria-label'), { timeout: 40_000 }).toMatch(/^Canary ok: all hops delivering/);
    const table = page.getByRole('table', { name: 'Canary per hop' });
    expect(await table.locator('tbody tr').count()).toBe(3);
  });

  it('produces an anomaly; an invalid score is caught in the form', async () => {
    await page.getByRole('textbox', { name: 'Score' }).fill('1.5');
    await page.getByText('score must be from 0 to 1').waitFor();
    expect(await page.getByRole('button', { name: 'Produce anomaly' }).isDisabled()).toBe(true);
    await page.getByRole('textbox', { name: 'Score' }).fill('0.87');
    await page.getByRole('combobox', { name: 'Severity' }).selectOption('high');
    await page.getByRole('button', { name: 'Produce anomaly' }).click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Anomaly produced' }).textContent())
      .toMatch(/ANO-[0-9A-F]{8} → anomaly-events partition \d+ offset \d+/);
    // The pane scrolls inside .content: a tall viewport shows all of it.
    await page.setViewportSize({ width: 1440, height: 1500 });
    await page.locator('.content').evaluate((element) => element.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('logs') });
    expect(statSync(screenshotPath('logs')).size).toBeGreaterThan(50_000);
  });
});
