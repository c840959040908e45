import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { sourceRoot } from '../../electron/services/paths.js';

export const ARTIFACTS = join(sourceRoot(), 'test-results', 'e2e');

/** Debian's Chromium, headless; the flags keep it off the (closed) network. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * Builds the renderer from the current sources, once per `npm test` run: browser test files run in
 * parallel workers, and a second build would empty dist/renderer under a page being served.
 */
export async function buildRenderer(): Promise<void> {
  const runDir = process.env.LOGCLAW_TEST_ENV_DIR;
  if (!runDir) return build({ configFile: join(sourceRoot(), 'renderer', 'vite.config.ts'), logLevel: 'warn' }).then(() => undefined);
  const marker = join(runDir, 'renderer-built');
  const lock = join(runDir, 'renderer.lock');
  for (;;) {
    if (existsSync(marker)) return;
    try {
      closeSync(openSync(lock, 'wx'));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (!existsSync(marker)) {
        await build({ configFile: join(sourceRoot(), 'renderer', 'vite.config.ts'), logLevel: 'warn' });
        writeFileSync(marker, String(Date.now()));
      }
      return;
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, `${name}.png`);
}
