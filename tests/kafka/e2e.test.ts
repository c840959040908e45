// The Kafka pane in a browser (loopback bridge) against a real broker: connect, topics with
// sparklines, consumer-group lag, a live tail from the beginning, a produced message arriving in the
// tail, the JSON detail, and a topic delete behind a named confirmation.
import type { ChildProcess } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import type { Kafka, Producer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, launchChromium, screenshotPath } from '../support/browser.js';
import { pathWith, startServe } from '../support/cli.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { rawKafka, seedTopic, uniqueTopic } from './support.js';

const tempDir = useTempDir('logclaw-kafka-e2e-');

describe('Kafka pane in a browser', () => {
  let browser: Browser;
  let page: Page;
  let serve: ChildProcess;
  let home: string;
  let brokers: string;
  let raw: Kafka;
  let producer: Producer;
  let ticker: NodeJS.Timeout;
  const topic = uniqueTopic('orders');
  const group = `${topic}-billing`;

  beforeAll(async () => {
    const [env] = await Promise.all([useTestEnv('kafka'), buildRenderer()]);
    brokers = env.kafka.brokers;
    raw = rawKafka(brokers);
    await seedTopic(raw, topic, { partitions: 3, count: 120 });
    const admin = raw.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: group, topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: '10' })) });
    await admin.disconnect();
    // Keep the topic moving so its rate sparkline has something to draw.
    producer = raw.producer();
    await producer.connect();
    let n = 0;
    ticker = setInterval(() => {
      const burst = 5 + (n++ % 4) * 10;
      void producer
        .send({
          topic,
          messages: Array.from({ length: burst }, (_, i) => ({
            key: `user-${i % 5}`,
            value: JSON.stringify({ tick: n, i, level: 'info' }),
          })),
        })
        .catch(() => undefined);
    }, 500);
    home = tempDir();
    ({ child: serve } = await startServe({ PATH: pathWith(), HOME: home, LOGCLAW_HOME: `${home}/data` }).then(async ({ url, child }) => {
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
      page = await context.newPage();
      await page.goto(url);
      return { child };
    }));
  });
  afterAll(async () => {
    clearInterval(ticker);
    await producer?.disconnect().catch(() => undefined);
    await browser?.close();
    serve?.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it('asks for a connection, connects and lists topics with counts and rate sparklines', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Kafka/ })
      .click();
    await page.getByRole('heading', { name: 'No Kafka connection' }).waitFor();
    await page.getByRole('textbox', { name: 'Bootstrap brokers' }).fill('not an address');
    expect(await page.getByRole('button', { name: 'Connect' }).isDisabled()).toBe(true);
    await page.getByRole('textbox', { name: 'Bootstrap brokers' }).fill(brokers);
    await page.getByRole('button', { name: 'Connect' }).click();

    const table = page.getByRole('table', { name: 'Topics' });
    const row = table.locator(`tr[data-topic="${topic}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(0).textContent()).toBe('3');
    await expect
      .poll(async () => Number((await row.locator('td').nth(2).textContent())!.replace(/\D/g, '')), { timeout: 20_000 })
      .toBeGreaterThan(120);
    // Three samples, five seconds apart, make a line.
    await expect
      .poll(() => row.getByRole('img', { name: new RegExp(`Produce rate of ${topic}: \\d+ samples`) }).count(), { timeout: 30_000 })
      .toBe(1);
    await page.getByRole('textbox', { name: 'Filter topics' }).fill(topic.slice(0, 12));
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: /^showing 1 of/ })
          .count(),
      )
      .toBe(1);
  });

  it('shows consumer-group lag per partition', async () => {
    await page.getByRole('tab', { name: 'Consumer groups' }).click();
    const row = page.getByRole('table', { name: 'Consumer groups' }).locator(`tr[data-group="${group}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Empty');
    await row.getByRole('button', { name: `Offsets of group ${group}` }).click();
    const partitions = page.getByRole('table', { name: `Partitions of group ${group}` });
    await partitions.waitFor();
    expect(await partitions.locator('tbody tr').count()).toBe(3);
    expect(await partitions.locator('tbody tr').first().textContent()).toContain('10');
    await page.screenshot({ path: screenshotPath('kafka-groups') });
  });

  it('tails the topic from the beginning, produces a message and shows it as formatted JSON', async () => {
    await page.getByRole('tab', { name: 'Topics' }).click();
    await page.getByRole('button', { name: `Details of topic ${topic}` }).click();
    const panel = page.getByRole('complementary', { name: `Topic ${topic}` });
    await panel.getByRole('table', { name: `Partitions of ${topic}` }).waitFor();
    await panel.getByRole('button', { name: 'Tail this topic' }).click();

    await page.getByRole('combobox', { name: 'Start from' }).selectOption('earliest');
    await page.getByRole('button', { name: 'Start tail' }).click();
    const shown = page.getByLabel('Shown messages');
    await expect
      .poll(async () => Number((await shown.textContent())!.replace(/\u00a0/g, '').match(/showing (\d+)/)?.[1] ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(120);
    await expect.poll(() => page.getByRole('status', { name: 'Tail state' }).textContent()).toContain('running');
    const list = page.getByRole('list', { name: 'Tail messages' });
    expect(await list.getByRole('listitem').count()).toBeGreaterThan(5);

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Tail state' }).textContent()).toContain('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Tail state' }).textContent()).toContain('running');

    await page.getByRole('tab', { name: 'Produce' }).click();
    await page.getByRole('combobox', { name: 'Produce topic' }).selectOption(topic);
    await page.getByRole('textbox', { name: 'Message key' }).fill('order-42');
    const value = page.getByRole('textbox', { name: 'Message value' });
    await value.fill('{"order": 42, "status": "paid",');
    await expect.poll(() => page.getByRole('status', { name: 'Value check' }).textContent()).toMatch(/^Invalid JSON/);
    expect(await page.getByRole('button', { name: 'Send message' }).isDisabled()).toBe(true);
    await value.fill('{"order": 42, "status": "paid", "amount": {"value": 99.5, "currency": "EUR"}, "items": ["book", "pen"]}');
    await expect.poll(() => page.getByRole('status', { name: 'Value check' }).textContent()).toBe('Valid JSON');
    await page.getByRole('textbox', { name: 'Headers' }).fill('source: e2e');
    await page.getByRole('button', { name: 'Send message' }).click();
    const result = page.getByRole('status', { name: 'Produce result' });
    await result.waitFor();
    const [, partition, offset] = /partition (\d+) at offset (\d+)/.exec((await result.textContent())!)!;
    expect(await page.getByRole('button', { name: 'Copy produce command' }).isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('kafka-produce') });

    await page.getByRole('tab', { name: 'Live tail' }).click();
    await page.getByRole('textbox', { name: 'Text filter' }).fill('order-42');
    await page.getByRole('button', { name: 'Restart tail' }).click();
    // Only the produced message matches the filter: wait for the new tail to show exactly it.
    await expect.poll(async () => (await shown.textContent())!.replace(/\u00a0/g, ' '), { timeout: 30_000 }).toBe('showing 1 of 1');
    const produced = list.locator(`[data-offset="${partition}:${offset}"]`);
    await produced.waitFor({ timeout: 30_000 });
    await produced.click();
    const detail = page.getByRole('complementary', { name: 'Message detail' });
    const json = detail.getByLabel('Value (formatted JSON)');
    await json.waitFor();
    expect(await json.textContent()).toContain('"currency": "EUR"');
    expect(await detail.textContent()).toContain('header source');
    await detail.getByRole('button', { name: 'Copy value' }).click();
    expect(await page.getByRole('button', { name: 'Copy tail command' }).isVisible()).toBe(true);

    // Unfiltered again: the whole topic and the messages still arriving, one of them opened.
    await page.getByRole('textbox', { name: 'Text filter' }).fill('');
    await page.getByRole('button', { name: 'Restart tail' }).click();
    await expect.poll(() => page.locator('.copy-command code').textContent()).not.toContain('--filter');
    await expect
      .poll(async () => Number((await shown.textContent())!.replace(/\u00a0/g, '').match(/showing (\d+)/)?.[1] ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(500);
    await list.getByRole('listitem').last().click();
    await detail.getByLabel('Value (formatted JSON)').waitFor();
    await page.screenshot({ path: screenshotPath('kafka') });
    expect(statSync(screenshotPath('kafka')).size).toBeGreaterThan(20_000);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Tail state' }).textContent()).toContain('stopped');
  });

  it('creates a topic and deletes it only after its name is typed', async () => {
    const doomed = uniqueTopic('scratch');
    await page.getByRole('tab', { name: 'Topics' }).click();
    await page.getByRole('textbox', { name: 'Filter topics' }).fill('');
    await page.getByRole('button', { name: 'New topic' }).click();
    await page.getByRole('textbox', { name: 'Topic name' }).fill(doomed);
    await page.getByRole('spinbutton', { name: 'Partitions' }).fill('2');
    await page.getByRole('button', { name: 'Create topic' }).click();
    const row = page.getByRole('table', { name: 'Topics' }).locator(`tr[data-topic="${doomed}"]`);
    await row.waitFor();
    await page.getByRole('button', { name: `Details of topic ${doomed}` }).click();
    await page.getByRole('button', { name: 'Delete topic…' }).click();
    const dialog = page.getByRole('alertdialog', { name: `Delete topic ${doomed}` });
    const confirm = dialog.getByRole('button', { name: `Delete ${doomed}` });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Type the topic name to confirm' }).fill(doomed.slice(0, -1));
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Type the topic name to confirm' }).fill(doomed);
    await confirm.click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });

    // The moving topic, its sparkline by now several samples long, and its partitions.
    await page.getByRole('button', { name: `Details of topic ${topic}` }).click();
    await page.getByRole('table', { name: `Partitions of ${topic}` }).waitFor();
    await page.screenshot({ path: screenshotPath('kafka-topics') });
  });
});
