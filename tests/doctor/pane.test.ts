// The Doctor pane in a browser (loopback bridge, `logclaw serve`): the live health checklist, the
// checks with their status, evidence and commands, a fix behind a confirmation that names the
// change, the re-check, and the warnings badge on the navigation.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, launchChromium, screenshotPath } from '../support/browser.js';
import { pathWith, startServe } from '../support/cli.js';
import { ensureNamespace, kubeConfigOf } from '../support/kube.js';
import { useTestEnv } from '../support/test-env.js';
import { HEALTHY_PROC, fakeProc } from './support.js';

const TENANT = `dp${Date.now().toString(36).slice(-5)}`;
const NAMESPACE = `logclaw-${TENANT}`;

describe('Doctor pane in a browser', () => {
  let browser: Browser;
  let page: Page;
  let serve: ChildProcess;
  let home: string;
  let proc: string;

  beforeAll(async () => {
    const [{ kube, tools }] = await Promise.all([useTestEnv('kube', 'tools'), buildRenderer()]);
    const kc = kubeConfigOf(kube);
    await ensureNamespace(kc, NAMESPACE);
    const kafka = `logclaw-kafka-${TENANT}`;
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'kafka.strimzi.io',
      version: 'v1',
      plural: 'kafkas',
      namespace: NAMESPACE,
      body: {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'Kafka',
        metadata: { name: kafka },
        spec: { kafka: { listeners: [{ name: 'tls', port: 9093, type: 'internal', tls: true }] } },
      },
    });
    await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: NAMESPACE,
      body: {
        metadata: { name: `logclaw-ingestion-${TENANT}` },
        data: { 'vector.yaml': `sinks:\n  kafka:\n    bootstrap_servers: "${kafka}-kafka-bootstrap:9092"\n` },
      },
    });
    home = mkdtempSync(join(tmpdir(), 'logclaw-e2e-doctor-'));
    proc = fakeProc(HEALTHY_PROC);
    const started = await startServe({
      PATH: pathWith(dirname(tools.helm), dirname(tools.kubectl), dirname(process.execPath)),
      HOME: process.env.HOME,
      LOGCLAW_HOME: home,
      KUBECONFIG: kube.kubeconfig,
      LOGCLAW_DOCTOR_PROC_ROOT: proc,
    });
    serve = started.child;
    const token = new URL(started.url).searchParams.get('token');
    await fetch(new URL('/api/invoke/settings:update', started.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ tenant: TENANT }),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(started.url);
  });
  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
    rmSync(proc, { recursive: true, force: true });
  });

  it('shows the failing check with its evidence, fixes it after a confirmation, and re-checks', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: /^Doctor/ }).click();
    const checks = page.getByRole('list', { name: 'Doctor checks' });
    const vector = checks.getByRole('listitem', { name: 'Vector reaches Kafka: fail' });
    await vector.waitFor({ timeout: 60_000 });
    await expect.poll(() => nav.getByLabel(/^Doctor: [1-9]\d* failing/).count()).toBe(1);
    await expect.poll(() => page.getByRole('listitem', { name: /^All pods Running: / }).count(), { timeout: 30_000 }).toBe(1);
    await vector.getByRole('button', { name: /Vector reaches Kafka/ }).click();
    await expect
      .poll(() => vector.getByLabel('Evidence').textContent())
      .toContain(`bootstrap_servers: logclaw-kafka-${TENANT}-kafka-bootstrap:9092`);
    expect(await vector.locator('pre').last().textContent()).toContain(`patch kafka logclaw-kafka-${TENANT} --type=json`);
    await vector.getByRole('button', { name: 'Add the plain listener' }).click();
    const dialog = vector.getByRole('dialog', { name: 'Confirm: Add the plain listener' });
    expect(await dialog.textContent()).toContain(
      `Adds the listener {name: plain, port: 9092, type: internal, tls: false} to kafka/logclaw-kafka-${TENANT}`,
    );
    await page.screenshot({ path: screenshotPath('doctor-confirm') });
    await dialog.getByRole('button', { name: 'Apply fix' }).click();
    await checks.getByRole('listitem', { name: 'Vector reaches Kafka: ok' }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('status', { name: 'Fix result' }).textContent()).toContain('Fixed: the re-check passes.');
    await page.screenshot({ path: screenshotPath('doctor-fixed') });
  });
});
