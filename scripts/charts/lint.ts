// npm run charts:lint [-- <chart>...]
// `helm lint --strict` of every chart with each of its ci/*-values.yaml (as chart-testing does).
// Needs `npm run charts:deps` first.
import { join } from 'node:path';
import { ALL_CHARTS, CHARTS_DIR, ciValuesFiles, findHelm, main, parseArgs, run } from './lib.js';
import { assertDependenciesPrepared } from './prepared.js';

export interface LintFailure {
  chart: string;
  values: string | null;
  output: string;
}

/** Lint each chart with each ci values file (the library on its own); resolves to the failures. */
export async function lintCharts(helm: string, charts: string[] = ALL_CHARTS, chartsDir = CHARTS_DIR): Promise<LintFailure[]> {
  const failures: LintFailure[] = [];
  for (const chart of charts) {
    const dir = join(chartsDir, chart);
    const scenarios: (string | null)[] = ciValuesFiles(dir);
    if (scenarios.length === 0) scenarios.push(null);
    for (const values of scenarios) {
      const r = await run(helm, ['lint', '--strict', dir, ...(values ? ['-f', values] : [])]);
      if (r.exitCode !== 0) failures.push({ chart, values, output: (r.stdout + r.stderr).trim() });
    }
  }
  return failures;
}

main(import.meta.url, async () => {
  const { positionals } = parseArgs(process.argv.slice(2));
  const charts = positionals.length ? positionals : ALL_CHARTS;
  assertDependenciesPrepared(charts);
  const failures = await lintCharts(findHelm(), charts);
  for (const f of failures) process.stderr.write(`✗ ${f.chart}${f.values ? ` (${f.values})` : ''}\n${f.output}\n\n`);
  if (failures.length) throw new Error(`${failures.length} lint failure(s)`);
  process.stdout.write(`✓ ${charts.length} chart(s) linted with every ci/*-values.yaml\n`);
});
