// The checks of the charts an install uses (chart-trust.ts), as its steps run them: the upstream
// charts inside a tenant chart (Airflow, Zammad) before the release installs from them, and the
// preflight's "charts" check of every chart at once, before anything is created.
import { existsSync } from 'node:fs';
import { basename, relative } from 'node:path';
import type { ChartToAccept, PreflightCheck } from '#contract/stack.js';
import type { StepContext } from '../../jobs/job-runner.js';
import {
  type ArchiveOrigin,
  type TrustedChart,
  type UpstreamPin,
  acceptCommand,
  admit,
  dependencyArchives,
  judgeArchive,
  readAcceptance,
  readArchive,
  readUpstreamPins,
  recordAccepted,
  toAccept,
  verdictLine,
} from '../chart-trust.js';
import { chartPath, neededOperators } from '../plan.js';
import { TEST_HOOKS } from '../test-hooks.js';
import type { StepEnv, UpParams } from './step.js';

// Not `charts`: that is the reality check's (operator charts are in their repositories), beside it in `logclaw preflight`.
export const CHARTS_CHECK = { id: 'chart-digests', title: 'Charts: dependencies, digests, stand-ins' } as const;

const PREPARE =
  'Run `npm run charts:deps` in the checkout where the chart repositories can be reached (it downloads the upstream charts and checks their digests), then retry.';

/** An upstream chart as charts/upstream-charts.yaml pins it; one it does not list has no digest. */
function pinned(pins: UpstreamPin[], dep: { name: string; version: string }): TrustedChart & { repository?: string } {
  const pin = pins.find((candidate) => candidate.name === dep.name && candidate.version === dep.version);
  return {
    name: dep.name,
    version: dep.version,
    digest: pin?.sha256 ? `sha256:${pin.sha256}` : null,
    source: pin?.sha256Source ?? (pin ? 'charts/upstream-charts.yaml' : 'not listed in charts/upstream-charts.yaml'),
    repository: pin?.repository,
  };
}

function origin(file: string, chart: { repository?: string }): ArchiveOrigin {
  return { archive: file, from: chart.repository ?? 'its chart repository', renew: PREPARE };
}

/** Before a release installs: each upstream chart inside it passes its check, or the install stops. */
export async function checkDependencies(env: StepEnv, chartDir: string, s: StepContext): Promise<void> {
  const pins = readUpstreamPins(env.chartsDir);
  for (const dep of dependencyArchives(chartDir)) {
    // A missing archive was reported by assertChartReady already.
    if (!dep.file) continue;
    const chart = pinned(pins, dep);
    const admitted = admit(
      chart,
      judgeArchive(env.ctx.dataDir, chart, await readArchive(dep.file), env.standIns === true),
      origin(dep.file, chart),
    );
    if (admitted.kind === 'accepted') await recordAccepted(env.ctx.dataDir, chart, admitted.sha256);
    s.line(verdictLine(chart, admitted));
  }
}

/**
 * Every chart the install uses, before anything is created: the tenant charts' upstream charts
 * (present, real or an allowed stand-in, matching their digest or accepted) and the charts of the
 * operators they need that have no digest (accepted, or the install would stop at them). The
 * install's preflight step and the standalone preflight both run it (StackService's preflight).
 */
export async function chartsCheck(env: StepEnv, params: Pick<UpParams, 'releases'>): Promise<PreflightCheck> {
  const problems: string[] = [];
  const notes: string[] = [];
  const accept: ChartToAccept[] = [];
  let prepare = false;
  let checked = 0;
  const pins = readUpstreamPins(env.chartsDir);
  const shown = (file: string) => relative(env.chartsDir, file);
  for (const release of env.plan.tenant.releases.filter((candidate) => params.releases.includes(candidate.name))) {
    const dir = chartPath(env.chartsDir, release.chart);
    if (!existsSync(dir)) continue;
    for (const dep of dependencyArchives(dir)) {
      if (!dep.file) {
        problems.push(`${basename(dir)} lacks ${dep.name} ${dep.version} (its charts/ folder is not prepared)`);
        prepare = true;
        continue;
      }
      checked++;
      const chart = pinned(pins, dep);
      const verdict = judgeArchive(env.ctx.dataDir, chart, await readArchive(dep.file), env.standIns === true);
      if (verdict.kind === 'stand-in')
        notes.push(`STAND-IN: ${shown(dep.file)} is a FAKE test chart (allowed by ${TEST_HOOKS.allowStandIns}=1)`);
      else if (verdict.kind === 'refused-stand-in') {
        problems.push(`STAND-IN: ${shown(dep.file)} is a FAKE test chart, never installed for real`);
        prepare = true;
      } else if (verdict.kind === 'mismatch') {
        problems.push(
          `${shown(dep.file)} has ${verdict.algorithm} ${verdict.actual}, but ${verdict.expected} is expected (from ${verdict.source})`,
        );
        prepare = true;
      } else if (verdict.kind === 'unaccepted') {
        problems.push(`${chart.name} ${chart.version} has no recorded digest (${shown(dep.file)}: sha256 ${verdict.sha256})`);
        accept.push(toAccept(chart, chart.repository ?? 'its chart repository'));
      }
    }
  }
  // Only the operators this install gets (the pipeline profile needs no Flink operator).
  for (const { chart } of neededOperators(env.plan, params.releases)) {
    if (chart.digest || readAcceptance(env.ctx.dataDir, chart)) continue;
    // A test repository serves FAKE operator charts, which need no digest; the real chart still needs accepting.
    if (env.standIns) notes.push(`${chart.name} ${chart.version} has no recorded digest: installed only as a STAND-IN or once accepted`);
    else {
      problems.push(`${chart.name} ${chart.version} has no recorded digest`);
      accept.push(toAccept({ ...chart, source: chart.digestSource }, env.operatorRepo ?? chart.repository));
    }
  }
  const names = accept.map((chart) => chart.name);
  const fix = [
    ...(prepare ? [PREPARE] : []),
    ...(accept.length
      ? [`If you trust their repositories, accept them once: ${acceptCommand(names)} (the app records it; later archives must match)`]
      : []),
  ].join(' ');
  if (problems.length)
    return {
      ...CHARTS_CHECK,
      status: 'fail',
      reason: [...problems, ...notes].join('; '),
      fix,
      command: accept.length ? acceptCommand(names) : 'npm run charts:deps',
      ...(accept.length ? { accept } : {}),
    };
  if (notes.length) return { ...CHARTS_CHECK, status: 'warn', reason: notes.join('; '), fix: 'Stand-ins are for tests only.' };
  return {
    ...CHARTS_CHECK,
    status: 'pass',
    reason: `Every operator chart has a digest or was accepted; ${checked} upstream chart archive(s) inside the tenant charts pass their check.`,
  };
}
