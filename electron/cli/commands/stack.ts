// logclaw up | status | down: the local stack from a terminal. Progress is one line per step change
// (and per real signal from the step); --json prints one event object per line instead.
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { AppError, type Job, type JobLine, type JobStep } from '#contract/index.js';
import { shellWords } from '#contract/command.js';
import { formatBytes, formatCpu } from '#contract/format.js';
import {
  DEFAULT_CLUSTER,
  DEFAULT_PROFILE,
  FailureDetail,
  type ProfilesReport,
  type StackStatus,
  type StackTarget,
} from '#contract/stack.js';
import type { Backend } from '../../backend.js';
import { isStandIn } from '../../services/stack/test-hooks.js';
import type { Command, CommandContext, OptionSpec } from '../command.js';
import { stringFlag } from '../flags.js';
import { formatTable } from '../output.js';
import { progressPrinter, realityLines, realityReportFile } from '../reality-output.js';

const ICON: Record<JobStep['state'], string> = { pending: '·', running: '▶', done: '✓', failed: '✗', skipped: '↷', cancelled: '■' };

function clock(at = Date.now()): string {
  return new Date(at).toISOString().slice(11, 19);
}

function seconds(ms: number): string {
  return ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`
    : `${(ms / 1000).toFixed(1)}s`;
}

/** Prints a job's progress until it ends; Ctrl-C cancels it cleanly. Resolves to the exit code. */
async function follow(ctx: CommandContext, backend: Backend, started: Job, verbose: boolean): Promise<number> {
  const { io, json } = ctx;
  const id = started.id;
  const states = new Map<string, string>();
  const messages = new Map<string, string>();
  const emit = (event: Record<string, unknown>) => io.out(JSON.stringify(event));
  const onStep = (step: JobStep) => {
    if (states.get(step.id) !== step.state) {
      states.set(step.id, step.state);
      const elapsed = step.startedAt ? (step.endedAt ?? Date.now()) - step.startedAt : 0;
      if (json)
        emit({
          event: 'step',
          job: id,
          id: step.id,
          title: step.title,
          state: step.state,
          at: Date.now(),
          elapsedMs: step.state === 'running' ? 0 : elapsed,
        });
      else if (step.state !== 'pending')
        io.out(`${clock()} ${ICON[step.state]} ${step.title}${step.state === 'running' ? '' : `  ${seconds(elapsed)}`}`);
    }
    if (step.state === 'running' && step.message && messages.get(step.id) !== step.message) {
      messages.set(step.id, step.message);
      if (json) emit({ event: 'message', job: id, id: step.id, text: step.message, at: Date.now() });
      else io.out(`${clock()}   · ${step.title}: ${step.message}`);
    }
  };
  const offChanged = backend.bus.on('job:changed', (job) => {
    if (job.id === id) job.steps.forEach(onStep);
  });
  const offLine = backend.bus.on('job:line', (line: JobLine) => {
    if (line.jobId !== id) return;
    if (json) emit({ event: 'line', job: id, step: line.stepId, stream: line.stream, text: line.text, at: line.at });
    else if (verbose) io.out(`           [${line.stepId}] ${line.text}`);
  });
  if (json)
    emit({
      event: 'job',
      job: id,
      title: started.title,
      state: started.state,
      steps: started.steps.map((step) => ({ id: step.id, title: step.title, state: step.state })),
    });
  else io.err(`${started.title} (job ${id}); Ctrl-C cancels, the same command again resumes.`);
  started.steps.forEach(onStep);
  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    if (!json) io.err('Cancelling: the running steps stop, nothing half-done is marked done…');
    void backend.jobs.cancel(id);
  };
  void ctx.stopSignal.then(cancel);
  // Held for the whole job: while helm/kubectl children run, their exit handlers would otherwise
  // re-raise Ctrl-C once the CLI's one-shot listener is gone, killing the process mid-cancel.
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  const done = await backend.jobs.wait(id).finally(() => {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  });
  offChanged();
  offLine();
  done.steps.forEach(onStep);
  if (json) emit({ event: 'result', job: id, state: done.state, ok: done.state === 'succeeded', failure: done.failure ?? null });
  else report(ctx, done);
  if (done.state === 'succeeded') return 0;
  return done.state === 'cancelled' || cancelled ? 130 : 1;
}

function report(ctx: CommandContext, job: Job): void {
  const { io } = ctx;
  if (job.state === 'succeeded') {
    io.out(`${job.title}: done.`);
    return;
  }
  if (job.state === 'cancelled') {
    io.err(`${job.title}: cancelled. Run the same command again to resume from the first unfinished step.`);
    return;
  }
  const failure = job.failure;
  if (!failure) return;
  const step = job.steps.find((candidate) => candidate.id === failure.stepId);
  io.err(`error [${failure.code}]: ${step?.title ?? failure.stepId}: ${failure.message}`);
  if (failure.hint) io.err(`hint: ${failure.hint}`);
  const detail = FailureDetail.safeParse(failure.detail);
  if (detail.success && detail.data.diagnosis) {
    const { diagnosis } = detail.data;
    for (const pod of diagnosis.pods) {
      io.err(`  pod ${pod.name} (${pod.phase})${pod.reasons.length ? `: ${pod.reasons.join('; ')}` : ''}`);
      for (const event of pod.events)
        io.err(`    ${event.type} ${event.reason}: ${event.message}${event.count > 1 ? ` (×${event.count})` : ''}`);
      for (const line of pod.logTail.slice(-10)) io.err(`    | ${line}`);
    }
    for (const event of diagnosis.events) io.err(`  ${event.object} ${event.type} ${event.reason}: ${event.message}`);
  }
  if (failure.lastLines.length) {
    io.err('  last lines:');
    for (const line of failure.lastLines.slice(-12)) io.err(`    ${line}`);
  }
  io.err('Fix the cause, then run the same command again: it resumes from the failed step.');
}

async function targetFrom(ctx: CommandContext, backend: Backend): Promise<StackTarget> {
  const cluster = ctx.values.cluster as string | undefined;
  const context = ctx.values.context as string | undefined;
  const kubeconfig = ctx.values.kubeconfig as string | undefined;
  if (cluster && (context || kubeconfig))
    throw new AppError(
      'INVALID_REQUEST',
      '--cluster (a kind cluster the app manages) and --context/--kubeconfig (an existing cluster) exclude each other',
    );
  if (cluster) return { mode: 'kind', cluster };
  if (context || kubeconfig) return { mode: 'existing', ...(context ? { context } : {}), ...(kubeconfig ? { kubeconfig } : {}) };
  // Default: the app's own kind cluster when the app points at one now, else a new one named logclaw-dev.
  const { kubeconfig: current, context: currentContext } = backend.settings.current;
  const { managedCluster } = await import('../../services/stack/target.js');
  return { mode: 'kind', cluster: managedCluster(backend.dataDir, current, currentContext) ?? DEFAULT_CLUSTER };
}

/** A comma-separated flag as a list (`--with airflow,flink`). */
function listFlag(ctx: CommandContext, name: string): string[] {
  return (stringFlag(ctx.values, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

const SELECTION_OPTIONS: Record<string, OptionSpec> = {
  profile: {
    type: 'string',
    description: `what to install: pipeline (lean, the default) or full; see logclaw profiles`,
    placeholder: 'NAME',
  },
  with: { type: 'string', description: "the profile's toggles to turn on (pipeline: airflow, feast, flink)", placeholder: 'A,B' },
  values: { type: 'string', description: 'tenant-layout values file (global + a section per chart) over the profile', placeholder: 'FILE' },
};

/** --profile, --with and --values as a request's selection. */
function selection(ctx: CommandContext): { profile?: string; toggles: string[]; valuesFile?: string } {
  const profile = stringFlag(ctx.values, 'profile');
  const valuesFile = stringFlag(ctx.values, 'values');
  return { ...(profile ? { profile } : {}), toggles: listFlag(ctx, 'with'), ...(valuesFile ? { valuesFile } : {}) };
}

/** The selection flags as given, to repeat on the next command. */
function selectionArgs(ctx: CommandContext): string[] {
  return ['profile', 'with', 'values'].flatMap((name) => {
    const value = stringFlag(ctx.values, name);
    return value ? [`--${name}`, value] : [];
  });
}

/** A profile's footprint in one cell: "1.80 CPU, 2.8 GiB". */
function footprint(value: { cpuMillis: number; memoryBytes: number } | null): string {
  return value ? `${formatCpu(value.cpuMillis)} CPU, ${formatBytes(value.memoryBytes)}` : '-';
}

function printProfiles(ctx: CommandContext, report: ProfilesReport): void {
  const { io } = ctx;
  io.out(
    formatTable(report.profiles, [
      { header: 'PROFILE', value: (p) => `${p.name}${p.name === DEFAULT_PROFILE ? ' (default)' : ''}` },
      { header: 'REQUESTS', value: (p) => footprint(p.requests), align: 'right' },
      { header: 'LIMITS', value: (p) => footprint(p.limits) + (p.unlimited ? ` (+${p.unlimited} unlimited)` : ''), align: 'right' },
      { header: 'RELEASES', value: (p) => p.releases.join(',') },
      { header: 'OPERATORS', value: (p) => p.operators.join(',') || '-' },
    ]),
  );
  for (const profile of report.profiles) {
    io.out(`\n${profile.name}: ${profile.title}. ${profile.description}`);
    if (profile.toggles.length)
      io.out(
        `  toggles (--with): ${profile.toggles.map((toggle) => `${toggle.name}${toggle.on ? ' [on]' : ''} (${toggle.releases.join(', ')})`).join(', ')}`,
      );
    if (profile.error)
      io.err(`  error [${profile.error.code}]: ${profile.error.message}${profile.error.hint ? ` — ${profile.error.hint}` : ''}`);
  }
  io.out(
    report.capacity
      ? `\nAvailable: ${footprint(report.capacity)} (${report.capacity.source}). Limits without a value count at their requests.`
      : '\nAvailable: unknown (no reachable docker or podman).',
  );
}

async function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  if (ctx.values.yes) return true;
  if (!process.stdin.isTTY)
    throw new AppError('INVALID_REQUEST', 'This removes things: pass --yes to confirm when not running in a terminal');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function printStatus(ctx: CommandContext, status: StackStatus): void {
  const { io } = ctx;
  const where = status.target.context
    ? `${status.target.context}${status.target.managed ? ` (the app's kind cluster ${status.target.cluster})` : ''}`
    : 'no context';
  io.out(`Tenant ${status.tenant} · namespace ${status.namespace} · ${where}${status.reachable ? '' : ' · NOT REACHABLE'}`);
  if (status.error)
    io.err(`error [${status.error.code}]: ${status.error.message}${status.error.hint ? `\nhint: ${status.error.hint}` : ''}`);
  const releaseColumns = [
    { header: 'NAME', value: (r: StackStatus['releases'][number]) => r.release },
    { header: 'NAMESPACE', value: (r: StackStatus['releases'][number]) => r.namespace },
    { header: 'STATUS', value: (r: StackStatus['releases'][number]) => r.status },
    {
      header: 'CHART',
      value: (r: StackStatus['releases'][number]) =>
        r.chart ? `${r.chart}-${r.chartVersion}${r.chartVersion && isStandIn(r.chartVersion) ? ' STAND-IN' : ''}` : '-',
    },
    {
      header: 'REV',
      value: (r: StackStatus['releases'][number]) => (r.revision === null ? '-' : String(r.revision)),
      align: 'right' as const,
    },
  ];
  io.out('\nOperators');
  io.out(formatTable(status.operators, releaseColumns));
  io.out('\nReleases');
  io.out(formatTable(status.releases, releaseColumns));
  const pods = status.components.flatMap((component) => component.pods.map((pod) => ({ component: component.name, ...pod })));
  io.out('\nPods');
  io.out(
    pods.length
      ? formatTable(pods, [
          { header: 'COMPONENT', value: (p) => p.component },
          { header: 'POD', value: (p) => p.name },
          { header: 'READY', value: (p) => `${p.ready}/${p.containers}`, align: 'right' },
          { header: 'STATUS', value: (p) => p.reason ?? p.phase },
          { header: 'RESTARTS', value: (p) => String(p.restarts), align: 'right' },
        ])
      : '  (none)',
  );
  if (status.job) {
    const done = status.job.steps.filter((step) => step.state === 'done' || step.state === 'skipped').length;
    io.out(
      `\nLast job: ${status.job.title} — ${status.job.state} (${done}/${status.job.steps.length} steps)${status.runningElsewhere ? `, running in pid ${status.runningElsewhere}` : ''}`,
    );
  }
}

export const stackCommands: Record<string, Command> = {
  up: {
    usage:
      'logclaw up [--profile pipeline|full] [--with airflow,feast,flink] [--tenant dev-local] [--storage-class standard] [--context CTX | --cluster NAME] [--values FILE] [--timeout 20m] [--ignore-preflight ID,...] [--accept-chart NAME,...] [--json]',
    options: {
      ...SELECTION_OPTIONS,
      'storage-class': { type: 'string', description: "StorageClass for the volumes (default: standard, kind's)", placeholder: 'NAME' },
      cluster: {
        type: 'string',
        description: `kind cluster to create or reuse (default: ${DEFAULT_CLUSTER}); --context installs into an existing cluster instead`,
        placeholder: 'NAME',
      },
      timeout: {
        type: 'string',
        description: 'how long each step waits for its resources to be ready (default 20m)',
        placeholder: 'DURATION',
      },
      'ignore-preflight': {
        type: 'string',
        description: 'preflight checks to accept when they fail (ids, comma-separated, or all)',
        placeholder: 'IDS',
      },
      'accept-chart': {
        type: 'string',
        description: 'charts without a recorded digest to install anyway (chart names, comma-separated); recorded once',
        placeholder: 'NAMES',
      },
      verbose: { type: 'boolean', short: 'v', description: 'print every output line of the steps' },
    },
    async run(ctx) {
      return ctx.withBackend('cli', async (backend) => {
        const ignore = String(ctx.values['ignore-preflight'] ?? '')
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean);
        const job = await backend.call('stack:up', {
          ...(ctx.values.tenant ? { tenant: String(ctx.values.tenant) } : {}),
          ...(ctx.values['storage-class'] ? { storageClass: String(ctx.values['storage-class']) } : {}),
          target: await targetFrom(ctx, backend),
          ...selection(ctx),
          ...(ctx.values.timeout ? { timeout: String(ctx.values.timeout) } : {}),
          ignorePreflight: ignore,
          acceptCharts: String(ctx.values['accept-chart'] ?? '')
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean),
        });
        return follow(ctx, backend, job, ctx.values.verbose === true);
      });
    },
  },
  preflight: {
    usage:
      'logclaw preflight [--profile pipeline|full] [--with A,B] [--values FILE] [--context CTX | --cluster NAME] [--report FILE] [--offline] [--json]',
    options: {
      ...SELECTION_OPTIONS,
      cluster: { type: 'string', description: 'kind cluster the install would create or reuse', placeholder: 'NAME' },
      report: {
        type: 'string',
        description: 'write the reality report (each image and chart: registry, result, digest or reason, fix) as JSON, to attach to a bug',
        placeholder: 'FILE',
      },
      offline: { type: 'boolean', description: 'do not ask image registries and chart repositories' },
    },
    async run(ctx) {
      return ctx.withBackend('cli', async (backend) => {
        const reportFile = stringFlag(ctx.values, 'report');
        if (reportFile && ctx.values.offline)
          throw new AppError('INVALID_REQUEST', '--report writes what the registries answered: drop --offline');
        const target = await targetFrom(ctx, backend);
        const tenant = stringFlag(ctx.values, 'tenant') ?? backend.tenant();
        // Registries answer one by one: a line per tenth of them, on stderr, keeps stdout for the report.
        const offProgress = ctx.json ? () => undefined : backend.bus.on('stack:realityProgress', progressPrinter(ctx.io.err));
        const report = await backend
          .call('stack:preflight', { target, tenant, ...selection(ctx), reality: !ctx.values.offline })
          .finally(offProgress);
        if (reportFile && report.reality) {
          const file = realityReportFile(
            { ...report, reality: report.reality },
            { tenant, target, app: { version: backend.version, platform: process.platform, arch: process.arch } },
          );
          await writeFile(reportFile, JSON.stringify(file, null, 2) + '\n');
          ctx.io.err(`Reality report written to ${reportFile}`);
        }
        if (ctx.json) ctx.io.out(JSON.stringify(report, null, 2));
        else {
          for (const check of report.checks) {
            ctx.io.out(`${{ pass: '✓', warn: '!', fail: '✗', skip: '–' }[check.status]} ${check.title}: ${check.reason}`);
            if (check.fix && check.status !== 'pass' && check.status !== 'skip') ctx.io.out(`    fix: ${check.fix}`);
          }
          if (report.reality) ctx.io.out(['', ...realityLines(report.reality)].join('\n'));
          // The install's own preflight asks no registry: a failed pull shows when a pod starts.
          const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.id);
          const pulls = failed.filter((id) => id === 'images' || id === 'charts');
          ctx.io.out(
            report.ok
              ? `\nReady to install: ${shellWords(['logclaw', 'up', ...selectionArgs(ctx)])}`
              : pulls.length === failed.length
                ? '\nFix what cannot be pulled first: logclaw up would fail on it when a pod or operator pulls it.'
                : '\nFix the failed checks, or accept them with logclaw up --ignore-preflight <id,...>.',
          );
        }
        return report.ok ? 0 : 1;
      });
    },
  },
  profiles: {
    usage: 'logclaw profiles [--with airflow,feast,flink] [--values FILE] [--context CTX | --cluster NAME] [--json]',
    options: {
      with: SELECTION_OPTIONS.with!,
      values: SELECTION_OPTIONS.values!,
      cluster: { type: 'string', description: 'kind cluster the install would create or reuse', placeholder: 'NAME' },
    },
    async run(ctx) {
      return ctx.withBackend('cli', async (backend) => {
        const { toggles, valuesFile } = selection(ctx);
        const report = await backend.call('stack:profiles', {
          target: await targetFrom(ctx, backend),
          ...(ctx.values.tenant ? { tenant: String(ctx.values.tenant) } : {}),
          toggles,
          ...(valuesFile ? { valuesFile } : {}),
        });
        if (ctx.json) ctx.io.out(JSON.stringify(report, null, 2));
        else printProfiles(ctx, report);
        return report.profiles.some((profile) => profile.error) ? 1 : 0;
      });
    },
  },
  status: {
    usage: 'logclaw status [--tenant T] [--json]',
    options: {},
    async run(ctx) {
      return ctx.withBackend('cli', async (backend) => {
        const status = await backend.call('stack:status', ctx.values.tenant ? { tenant: String(ctx.values.tenant) } : {});
        if (ctx.json) ctx.io.out(JSON.stringify(status, null, 2));
        else printStatus(ctx, status);
        return status.reachable ? 0 : 1;
      });
    },
  },
  down: {
    usage: 'logclaw down [--tenant T] [--delete-cluster [--cluster NAME]] [--yes] [--json]',
    options: {
      'delete-cluster': { type: 'boolean', description: "delete the app's kind cluster (everything on it) instead" },
      cluster: { type: 'string', description: 'with --delete-cluster: which kind cluster (default: the current one)', placeholder: 'NAME' },
      yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
    },
    async run(ctx) {
      return ctx.withBackend('cli', async (backend) => {
        const deleteCluster = ctx.values['delete-cluster'] === true;
        const status = await backend.call('stack:status', ctx.values.tenant ? { tenant: String(ctx.values.tenant) } : {});
        const cluster = (ctx.values.cluster as string | undefined) ?? status.target.cluster ?? undefined;
        if (deleteCluster && !cluster) {
          throw new AppError(
            'INVALID_REQUEST',
            `The current context ${status.target.context ?? ''} is not a kind cluster the app created`,
            { hint: 'Pass --cluster NAME, or delete it with its own tools.' },
          );
        }
        const what = deleteCluster
          ? `Delete the kind cluster ${cluster} and everything on it?`
          : `Uninstall tenant ${status.tenant} (releases, then namespace ${status.namespace}) from ${status.target.context}?`;
        if (!(await confirm(ctx, what))) {
          ctx.io.err('Nothing removed.');
          return 1;
        }
        const job = await backend.call('stack:down', {
          tenant: status.tenant,
          deleteCluster,
          ...(deleteCluster && cluster ? { cluster } : {}),
          confirm: deleteCluster ? cluster! : status.tenant,
        });
        return follow(ctx, backend, job, false);
      });
    },
  },
};
