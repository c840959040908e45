import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, launchChromium, screenshotPath } from '../support/browser.js';
import { pathWith, startServe } from '../support/cli.js';
import { useTestEnv } from '../support/test-env.js';

describe('app shell in a browser (loopback bridge)', () => {
  let browser: Browser;
  let page: Page;
  let serve: ChildProcess;
  let url: string;
  let home: string;

  beforeAll(async () => {
    const [{ tools }] = await Promise.all([useTestEnv('tools'), buildRenderer()]);
    home = mkdtempSync(join(tmpdir(), 'logclaw-e2e-'));
    const kubeconfig = join(home, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: kind-logclaw-dev',
        'clusters:',
        ...['kind-logclaw-dev', 'staging'].flatMap((n) => [`- name: ${n}`, `  cluster: {server: "https://${n}:6443"}`]),
        'users:',
        '- name: u',
        '  user: {token: t}',
        'contexts:',
        ...['kind-logclaw-dev', 'staging'].flatMap((n) => [`- name: ${n}`, `  context: {cluster: ${n}, user: u}`]),
      ].join('\n'),
    );
    ({ url, child: serve } = await startServe({
      PATH: pathWith(dirname(tools.helm)),
      HOME: process.env.HOME,
      LOGCLAW_HOME: join(home, 'data'),
      KUBECONFIG: kubeconfig,
    }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it('shows the navigation and moves the token out of the address bar', async () => {
    await page.goto(url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Stack', 'Forwards', 'Logs', 'Kafka', 'Search', 'Doctor', 'Prerequisites', 'Settings']) {
      await expect(nav.getByRole('button', { name: new RegExp(`^${name}`) }).isVisible()).resolves.toBe(true);
    }
    expect(page.url()).not.toContain('token=');
    await expect(page.getByRole('heading', { name: 'No LogClaw stack yet' }).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Check prerequisites' }).isVisible();
  });

  it('lists the prerequisites with status, versions and fix hints', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Prerequisites/ })
      .click();
    const table = page.getByRole('table', { name: 'Tools' });
    await table.locator('tr[data-tool="kubectl"]').waitFor();
    const status = (tool: string) => table.locator(`tr[data-tool="${tool}"]`).getAttribute('data-status');
    await expect(status('helm')).resolves.toBe('ok');
    await expect(status('kubectl')).resolves.toBe('ok');
    await expect(status('kind')).resolves.toBe('missing');
    const helmRow = table.locator('tr[data-tool="helm"]');
    expect(await helmRow.textContent()).toMatch(/3\.17\.\d/);
    expect(await helmRow.getByRole('img', { name: 'ready' }).count()).toBe(1);
    expect(await table.locator('tr[data-tool="kind"]').textContent()).toContain('npm run fetch-tools');
    await page.screenshot({ path: screenshotPath('prerequisites'), fullPage: true });
    expect(statSync(screenshotPath('prerequisites')).size).toBeGreaterThan(10_000);
  });

  it('saves a tool path from the UI and re-checks with it', async () => {
    const table = page.getByRole('table', { name: 'Tools' });
    await table.getByRole('button', { name: 'Set path to kind' }).click();
    await table.getByRole('textbox', { name: 'Path to kind' }).fill('/nowhere/kind');
    await table.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => table.locator('tr[data-tool="kind"]').textContent())
      .toContain('The path set in Settings for kind (/nowhere/kind)');
  });

  it('opens the command palette with Ctrl+K and navigates with the keyboard', async () => {
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    await page.keyboard.type('settings');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await palette.count()).toBe(0);
    await page.keyboard.press('Alt+4');
    await page.getByRole('heading', { name: 'Kafka', exact: true }).waitFor();
  });

  it('switches the Kubernetes context from the top bar and remembers it', async () => {
    const switcher = page.getByRole('combobox', { name: 'Kubernetes context' });
    await expect.poll(() => switcher.inputValue()).toBe('kind-logclaw-dev');
    await switcher.selectOption('staging');
    await page.reload();
    await expect.poll(() => page.getByRole('combobox', { name: 'Kubernetes context' }).inputValue()).toBe('staging');
  });

  it('switches to the dark theme and keeps it after a reload', async () => {
    await page.keyboard.press('Alt+8');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    // A waiting locator, not a 1 s poll: the theme is applied once the backend has saved it.
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await page.reload();
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await page.screenshot({ path: screenshotPath('settings-dark') });
  });

  it('saves the mirrors from Settings, refuses a URL as image mirror with what a mirror looks like, and keeps them after a reload', async () => {
    await page.keyboard.press('Alt+8');
    const images = page.getByRole('textbox', { name: 'Image mirror' });
    const charts = page.getByRole('textbox', { name: 'Operator chart repository' });
    await images.fill('https://registry.example.com');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').filter({ hasText: 'an image mirror is a registry host' }).waitFor();
    await images.fill('registry.example.com:5000/hub');
    await charts.fill('https://charts.example.com/mirror/');
    await page.getByRole('button', { name: 'Save settings' }).click();
    // Saved: the form is rebuilt from the backend's settings, which echo the values.
    await page.getByRole('alert').waitFor({ state: 'detached' });
    await page.reload();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Settings/ })
      .click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Image mirror' }).inputValue()).toBe('registry.example.com:5000/hub');
    expect(await page.getByRole('textbox', { name: 'Operator chart repository' }).inputValue()).toBe('https://charts.example.com/mirror/');
  });
});
