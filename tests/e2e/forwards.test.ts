import type { ChildProcess } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, launchChromium, screenshotPath } from '../support/browser.js';
import { startServe } from '../support/cli.js';
import { serviceBackedBy } from '../support/kube.js';
import { useTestEnv } from '../support/test-env.js';

const TENANT = `fe${Date.now().toString(36).slice(-5)}`;

describe('Forwards pane in a browser', () => {
  let browser: Browser;
  let page: Page;
  let serve: ChildProcess;
  let home: string;
  let feast: Server;

  beforeAll(async () => {
    const [{ kube, opensearch }] = await Promise.all([useTestEnv('kube', 'opensearch'), buildRenderer()]);
    feast = createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => feast.listen(0, '127.0.0.1', resolve));
    const namespace = `logclaw-${TENANT}`;
    await serviceBackedBy(kube, {
      namespace,
      name: `logclaw-opensearch-${TENANT}`,
      port: 9200,
      realPort: Number(new URL(opensearch.url).port),
    });
    await serviceBackedBy(kube, {
      namespace,
      name: `logclaw-ml-engine-${TENANT}-feast-server`,
      port: 6567,
      realPort: (feast.address() as { port: number }).port,
    });
    home = mkdtempSync(join(tmpdir(), 'logclaw-e2e-forwards-'));
    ({ child: serve } = await startServe({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOGCLAW_HOME: home,
      KUBECONFIG: kube.kubeconfig,
    }).then(async (started) => {
      const token = new URL(started.url).searchParams.get('token');
      // The tenant comes from Settings, like a user who set it once.
      await fetch(new URL('/api/invoke/settings:update', started.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify({ tenant: TENANT }),
      });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
      await page.goto(started.url);
      return started;
    }));
  });
  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    feast?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('starts all forwards and shows the live ones ready, the missing ones not', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Forwards/ })
      .click();
    const table = page.getByRole('table', { name: 'Forwards' });
    await table.locator('tr[data-forward="opensearch"]').waitFor();
    // Free ports for the two live services (the seed's defaults may be taken on a shared machine).
    await page.getByRole('button', { name: 'Start all' }).click();
    for (const id of ['opensearch', 'feast']) {
      await expect
        .poll(() => table.locator(`tr[data-forward="${id}"]`).getAttribute('data-state'), { timeout: 30_000 })
        .toMatch(/ready|starting|reconnecting|failed/);
    }
    const state = (id: string) => table.locator(`tr[data-forward="${id}"]`).getAttribute('data-state');
    const conflict = page.getByRole('button', { name: /^Use port \d+$/ });
    // A seed port already held on this machine shows the conflict with a one-click fix.
    while ((await conflict.count()) > 0) await conflict.first().click();
    await expect.poll(() => state('opensearch'), { timeout: 30_000 }).toBe('ready');
    await expect.poll(() => state('feast'), { timeout: 30_000 }).toBe('ready');
    // The missing service's reason appears once its first probe has failed: wait for it, not for the state alone
    // ("starting" matches before the probe has answered).
    await expect.poll(() => table.locator('tr[data-forward="airflow"]').textContent(), { timeout: 30_000 }).toContain('does not exist');
    expect(await state('airflow')).toMatch(/starting|reconnecting|failed/);
    await expect
      .poll(() =>
        page
          .getByRole('navigation', { name: 'Main' })
          .getByLabel(/forwards ready/)
          .textContent(),
      )
      .toMatch(/^2\/\d+$/);
    await table.locator('tr[data-forward="opensearch"]').click();
    await page.getByRole('list', { name: 'State changes' }).waitFor();
    expect(await page.getByRole('list', { name: 'State changes' }).textContent()).toContain('ready');
    await page.screenshot({ path: screenshotPath('forwards'), fullPage: true });
    await page.getByRole('button', { name: 'Stop all' }).click();
    await expect.poll(() => state('opensearch')).toBe('stopped');
  });
});
