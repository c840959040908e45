// The Stack pane offers to accept an operator chart without a digest (cert-manager's) in a browser
// (loopback bridge): without the stand-ins permission the preflight's charts check asks for it, the
// card names the chart, its version, repository and why its digest is unknown, and "Accept this
// chart and install" records the acceptance through stack:up (acceptCharts), as
// `logclaw up --accept-chart cert-manager` does; the install then gets past its preflight.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptanceFile } from '../../electron/services/stack/chart-trust.js';
import { type StackTestSetup, stackEnv, stackSetup } from '../stack/support.js';
import { buildRenderer, launchChromium, screenshotPath } from '../support/browser.js';
import { startServe } from '../support/cli.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';

describe('Stack pane: accepting a chart without a digest', () => {
  let browser: Browser;
  let page: Page;
  let serve: ChildProcess;
  let home: string;
  let setup: StackTestSetup;
  let registry: EndpointTypes['registry'];

  beforeAll(async () => {
    const [{ tools, registry: mirror }] = await Promise.all([useTestEnv('tools', 'registry'), buildRenderer()]);
    registry = mirror;
    setup = await stackSetup(tools);
    home = mkdtempSync(join(tmpdir(), 'logclaw-e2e-accept-'));
    const started = await startServe(
      stackEnv(setup, home, {
        // Without the permission the FAKE charts get in tests, cert-manager's missing digest counts.
        LOGCLAW_ALLOW_STAND_INS: '',
        DOCKER_CONFIG: join(home, 'no-docker-config'),
      }),
    );
    serve = started.child;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
    await page.goto(started.url);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    await setup?.operators.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('lists the chart with why its digest is unknown, and accepting it installs with acceptCharts', async () => {
    const pane = page.getByRole('region', { name: 'Install the stack' });
    // The images go to the test env's registry, so the preflight's registry questions answer at once.
    await pane.getByRole('button', { name: 'Values overrides (YAML)…' }).click();
    await pane.getByLabel('Values overrides').fill(`global:\n  imageRegistry: ${registry.host}\n`);
    await pane.getByRole('button', { name: 'Run preflight' }).click();
    const accept = pane.getByRole('region', { name: 'Charts to accept' });
    await accept.waitFor({ timeout: 120_000 });
    const checks = pane.getByRole('list', { name: 'Preflight checks' });
    expect(await checks.locator('li[data-check="chart-digests"]').getAttribute('data-status')).toBe('fail');
    // The pipeline profile needs cert-manager, External Secrets and Strimzi: only cert-manager lacks a digest.
    const rows = accept.getByRole('table', { name: 'Charts without a digest' }).locator('tbody tr');
    expect(await rows.count()).toBe(1);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['cert-manager', 'v1.16.1', setup.operators.url]);
    expect(cells[3]).toMatch(/^not established: https:\/\/charts\.jetstack\.io\/index\.yaml could not be read/);
    await accept.screenshot({ path: screenshotPath('stack-chart-acceptance') });

    await accept.getByRole('button', { name: 'Accept this chart and install' }).click();
    const dialog = accept.getByRole('dialog', { name: 'Accept cert-manager and install' });
    expect(await dialog.textContent()).toContain('logclaw up --accept-chart cert-manager');
    await accept.screenshot({ path: screenshotPath('stack-chart-acceptance-confirm') });
    await dialog.getByRole('button', { name: 'Accept and install' }).click();

    // The install started with the acceptance, recorded in the data folder before its first step.
    const steps = page.getByRole('list', { name: 'Install steps' });
    await steps.waitFor({ timeout: 60_000 });
    expect(existsSync(acceptanceFile(home, { name: 'cert-manager', version: 'v1.16.1' }))).toBe(true);
    // Past the preflight, a later step (the operators refuse the FAKE archives served here without the
    // stand-ins permission; the images step may fail first) stops it: its failure card asks for no chart.
    const failure = page.getByRole('alert', { name: 'Failure' });
    await failure.waitFor({ timeout: 120_000 });
    expect(await steps.locator('li[data-step="preflight"]').getAttribute('data-state')).toBe('done');
    expect(await failure.getByRole('region', { name: 'Charts to accept' }).count()).toBe(0);
    await failure.screenshot({ path: screenshotPath('stack-chart-acceptance-failure') });

    // The next preflight no longer asks for it.
    await page.getByRole('button', { name: /^(Install again|New install)/ }).click();
    await pane.getByRole('button', { name: 'Run preflight' }).click();
    await pane.getByRole('button', { name: 'Run preflight' }).waitFor({ timeout: 120_000 });
    expect(await checks.locator('li[data-check="chart-digests"]').textContent()).not.toContain(
      'cert-manager v1.16.1 has no recorded digest',
    );
    expect(await pane.getByRole('region', { name: 'Charts to accept' }).count()).toBe(0);
  }, 300_000);
});
