import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { sourceRoot } from '../../electron/services/paths.js';

export const ARTIFACTS = join(sourceRoot(), 'test-results', 'e2e');

/** Debian's Chromium, headless; the flags keep it off the (closed) network. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Builds the renderer from the current sources so the browser tests what the app would ship. */
export async function buildRenderer(): Promise<void> {
  await build({ configFile: join(sourceRoot(), 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, `${name}.png`);
}
