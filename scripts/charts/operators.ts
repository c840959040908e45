// npm run charts:operators [-- --out=DIR] (part of `npm run dist`)
// Downloads every operator chart of resources/stack.yaml with helm pull and checks it against the
// plan's digest into bundle/operator-charts/<name>-<version>.tgz, which electron-builder.yml ships as
// the packaged app's resources/operator-charts/: the installer installs from there before its cache
// or a download (chart-trust.ts operatorArchive), and checks it again. A chart whose digest could not
// be established is not bundled: the installer downloads it once the user accepts it. An archive that
// does not match its digest stops the script and is not kept.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundledChart, digestOf, parseDigest } from '../../electron/services/stack/chart-trust.js';
import { type PlanOperator, readPlan } from '../../electron/services/stack/plan.js';
import { REPO_ROOT, findHelm, main, parseArgs, runOrThrow } from './lib.js';

/** Where `npm run dist` finds the archives (electron-builder.yml ships this folder). */
export const BUNDLE_DIR = join(REPO_ROOT, 'bundle');

export interface BundleOptions {
  helm: string;
  operators: PlanOperator[];
  /** Stands for the app root: the archives go to <out>/resources/operator-charts/, where the packaged app has them. */
  out: string;
  /** A repository that serves every operator chart instead of its own (tests: the FAKE operator charts). */
  repository?: string;
  log?: (line: string) => void;
}

/** Each operator chart downloaded and checked into the bundle; resolves to the names bundled and those without a digest. */
export async function bundleOperatorCharts(opts: BundleOptions): Promise<{ bundled: string[]; withoutDigest: string[] }> {
  const log = opts.log ?? (() => undefined);
  const result = { bundled: [] as string[], withoutDigest: [] as string[] };
  // Archives of an earlier run go: the bundle holds exactly this plan's charts.
  rmSync(join(opts.out, 'resources', 'operator-charts'), { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });
  for (const { chart } of opts.operators) {
    if (!chart.digest) {
      result.withoutDigest.push(chart.name);
      log(`${chart.name} ${chart.version}: not bundled, it has no digest (${chart.digestSource}); the app downloads it once accepted`);
      continue;
    }
    const repository = opts.repository ?? chart.repository;
    const download = mkdtempSync(join(opts.out, '.download-'));
    try {
      await runOrThrow(opts.helm, ['pull', chart.name, '--repo', repository, '--version', chart.version, '--destination', download]);
      // helm names the file after the repository's URL: the one archive there is the chart's.
      const [file] = readdirSync(download);
      const { algorithm, hex } = parseDigest(chart.digest);
      const actual = digestOf(readFileSync(join(download, file!)), algorithm);
      if (actual !== hex)
        throw new Error(
          `${chart.name} ${chart.version} from ${repository} has ${algorithm} ${actual}, but ${hex} is expected (from ${chart.digestSource}): not bundled`,
        );
      const target = bundledChart(opts.out, chart);
      mkdirSync(join(target, '..'), { recursive: true });
      renameSync(join(download, file!), target);
      result.bundled.push(chart.name);
      log(`${chart.name} ${chart.version}: ${algorithm} ${actual} matches ${chart.digestSource}`);
    } finally {
      rmSync(download, { recursive: true, force: true });
    }
  }
  return result;
}

main(import.meta.url, async () => {
  const { options } = parseArgs(process.argv.slice(2));
  const out = options.get('out') ?? BUNDLE_DIR;
  const { bundled, withoutDigest } = await bundleOperatorCharts({
    helm: findHelm(),
    operators: readPlan(REPO_ROOT).operators,
    out,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `${bundled.length} operator chart(s) bundled in ${join(out, 'resources', 'operator-charts')}${withoutDigest.length ? `; without a digest, not bundled: ${withoutDigest.join(', ')}` : ''}\n`,
  );
});
