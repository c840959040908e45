// npm run charts:package [-- <charts-dir>] [--out dir] [--allow-stand-ins]
// One .tgz per chart (library, subcharts, umbrella) into dist/charts, from charts/ or another prepared
// copy of it. Refuses charts that contain the FAKE stand-ins: run `npm run charts:deps` where the
// upstream charts can be downloaded. --allow-stand-ins packages them anyway, for tests that push to a
// throw-away registry; it leaves STAND_INS_MARKER in the output folder, and charts:push refuses a
// folder with that marker unless given the same flag.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALL_CHARTS, CHARTS_DIR, REPO_ROOT, findHelm, main, parseArgs, runOrThrow } from './lib.js';
import { assertDependenciesPrepared, standInsIn } from './prepared.js';

export const PACKAGE_DIR = join(REPO_ROOT, 'dist', 'charts');
/** Written beside packages that contain FAKE stand-ins; lists them. */
export const STAND_INS_MARKER = 'CONTAINS-FAKE-STAND-INS.txt';

main(import.meta.url, async () => {
  const { flags, options, positionals } = parseArgs(process.argv.slice(2));
  const chartsDir = positionals[0] ? resolve(positionals[0]) : CHARTS_DIR;
  const out = options.get('out') ?? PACKAGE_DIR;
  assertDependenciesPrepared(ALL_CHARTS, chartsDir);
  const fakes = standInsIn(ALL_CHARTS, chartsDir);
  if (fakes.length && !flags.has('allow-stand-ins'))
    throw new Error(
      `refusing to package FAKE stand-ins (${fakes.join(', ')}): run \`npm run charts:deps\` with access to the upstream chart repositories`,
    );
  mkdirSync(out, { recursive: true });
  // A marker left by an earlier run must not outlive the packages it described (nor be missing).
  rmSync(join(out, STAND_INS_MARKER), { force: true });
  if (fakes.length)
    writeFileSync(
      join(out, STAND_INS_MARKER),
      `FAKE stand-in charts inside these packages; never push them to a real registry:\n${fakes.join('\n')}\n`,
    );
  const helm = findHelm();
  for (const chart of ALL_CHARTS) process.stdout.write(await runOrThrow(helm, ['package', join(chartsDir, chart), '-d', out]));
});
