// Guards for scripts that need `npm run charts:deps` to have run, and that must not ship stand-ins.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHARTS_DIR, readChart } from './lib.js';

/** Throws unless every dependency of these charts is in its charts/ folder. */
export function assertDependenciesPrepared(charts: string[], chartsDir = CHARTS_DIR): void {
  for (const chart of charts) {
    const deps = readChart(join(chartsDir, chart)).dependencies ?? [];
    const dir = join(chartsDir, chart, 'charts');
    const present = existsSync(dir) ? readdirSync(dir) : [];
    const missing = deps.filter((d) => !present.some((f) => f.startsWith(`${d.name}-`) && f.endsWith('.tgz')));
    if (missing.length)
      throw new Error(`${chart}: missing ${missing.map((d) => d.name).join(', ')} in charts/: run \`npm run charts:deps\` first`);
  }
}

/** Names of the FAKE stand-in archives found in these charts' charts/ folders. */
export function standInsIn(charts: string[], chartsDir = CHARTS_DIR): string[] {
  return charts.flatMap((chart) => {
    const dir = join(chartsDir, chart, 'charts');
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.includes('+logclaw-fake'))
          .map((f) => `${chart}/charts/${f}`)
      : [];
  });
}
