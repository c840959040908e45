// npm run charts:package [-- --out dir]
// One .tgz per chart (library, subcharts, umbrella) into dist/charts. Refuses charts that contain
// the FAKE stand-ins: run `npm run charts:deps` where the upstream charts can be downloaded.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CHARTS, CHARTS_DIR, REPO_ROOT, findHelm, main, parseArgs, runOrThrow } from './lib.js';
import { assertDependenciesPrepared, standInsIn } from './prepared.js';

export const PACKAGE_DIR = join(REPO_ROOT, 'dist', 'charts');

main(import.meta.url, async () => {
  const { options } = parseArgs(process.argv.slice(2));
  const out = options.get('out') ?? PACKAGE_DIR;
  assertDependenciesPrepared(ALL_CHARTS);
  const fakes = standInsIn(ALL_CHARTS);
  if (fakes.length) throw new Error(`refusing to package FAKE stand-ins (${fakes.join(', ')}): run \`npm run charts:deps\` with access to the upstream chart repositories`);
  mkdirSync(out, { recursive: true });
  const helm = findHelm();
  for (const chart of ALL_CHARTS) process.stdout.write(await runOrThrow(helm, ['package', join(CHARTS_DIR, chart), '-d', out]));
});
