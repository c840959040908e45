// The Stack pane's preflight in a browser (loopback bridge): with the images going through a mirror
// (the test env's real distribution registry, holding only Vector's image) and the FAKE operator
// charts, the card lists every image and chart grouped by what its registry answered, failures
// first, each failure with its fix.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../images/support.js';
import { type StackTestSetup, stackEnv, stackSetup } from '../stack/support.js';
import { buildRenderer, launchChromium, screenshotPath } from '../support/browser.js';
import { startServe } from '../support/cli.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';

describe('Stack pane: the reality check in the preflight card', () => {
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
    await pushImage(registry, 'timberio/vector', '0.38.0-debian');
    home = mkdtempSync(join(tmpdir(), 'logclaw-e2e-reality-'));
    const started = await startServe(stackEnv(setup, home, { DOCKER_CONFIG: join(home, 'no-docker-config') }));
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

  it('lists every image and chart by result, failures first, with the fix', async () => {
    const pane = page.getByRole('region', { name: 'Install the stack' });
    await pane.getByRole('button', { name: 'Values overrides (YAML)…' }).click();
    await pane.getByLabel('Values overrides').fill(`global:\n  imageRegistry: ${registry.host}\n`);
    await pane.getByRole('button', { name: 'Run preflight' }).click();
    const reality = page.getByRole('region', { name: 'Images and charts' });
    await reality.waitFor({ timeout: 120_000 });
    const checks = page.getByRole('list', { name: 'Preflight checks' });
    expect(await checks.locator('li[data-check="images"]').getAttribute('data-status')).toBe('fail');
    expect(await checks.locator('li[data-check="charts"]').getAttribute('data-status')).toBe('pass');

    const groups = await reality.locator('details').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-result')));
    expect(groups[0]).toBe('not-found');
    expect(groups.at(-1)).toBe('found');
    const missing = reality.getByRole('list', { name: 'Not found: images and charts' });
    expect(await missing.locator('li').count()).toBe(5);
    expect(await missing.locator(`li[data-ref="${registry.host}/library/busybox:1.38.0"]`).textContent()).toContain(
      `${registry.host} has no library/busybox:1.38.0 (404)`,
    );
    expect(await reality.locator('details[data-result="not-found"]').textContent()).toContain('Fix (all 5): Pin a tag that');
    // Found items stay folded; the charts came from their repository.
    const found = reality.locator('details[data-result="found"]');
    expect(await found.getAttribute('open')).toBeNull();
    expect(await found.locator(`li[data-ref="${registry.host}/timberio/vector:0.38.0-debian"]`).count()).toBe(1);
    expect(await found.locator('li[data-ref="strimzi-kafka-operator 0.50.1"]').count()).toBe(1);
    await reality.screenshot({ path: screenshotPath('stack-preflight-reality') });
  }, 300_000);
});
