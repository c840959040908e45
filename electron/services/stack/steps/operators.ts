// The operators (once per cluster, shared by every tenant), each installed from its chart archive in
// the data folder once the archive passed its check (chart-trust.ts), and the Strimzi CRD check after them.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { shellLine } from '#contract/command.js';
import { AppError } from '#contract/index.js';
import type { StepContext } from '../../jobs/job-runner.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { admit, chartCache, judgeArchive, operatorArchive, readArchive, recordAccepted, verdictLine } from '../chart-trust.js';
import { helmManifest, helmMessage, helmRelease } from '../helm.js';
import { checkDigest, helmPull } from '../ops/charts.js';
import { helmUpgrade } from '../ops/releases.js';
import { equivalent, renderShown, runs } from '../ops/shown.js';
import {
  STRIMZI_CRDS,
  STRIMZI_OPERATOR,
  applyStrimziCrds,
  readStrimziCrds,
  restartStrimziOperator,
  servesV1,
  showServedVersions,
  strimziCrdsUrl,
} from '../ops/strimzi.js';
import { type PlanChart, type PlanOperator, operatorRepository, operatorValues } from '../plan.js';
import { targetCommand } from '../target.js';
import { isStandIn } from '../test-hooks.js';
import { helmFailure, repairIfPending, writeValues } from './helm-install.js';
import { type StepBody, type StepEnv, type StepTools, type UpParams, kubeFor, stepTools, waitObjects } from './step.js';

export function operatorStep(env: StepEnv, params: UpParams, operator: PlanOperator): StepBody {
  const { target, timeout } = params;
  const { chart } = operator;
  const cache = chartCache(env.ctx.dataDir, chart);
  const { archive, bundled } = operatorArchive(env.ctx.appRoot, env.ctx.dataDir, chart);
  const pull = helmPull(chart, operatorRepository(chart, env.ctx.settings.current.mirrors, env.operatorRepo), cache.download);
  const install = helmUpgrade(target, {
    install: true,
    release: operator.name,
    chart: archive,
    namespace: operator.namespace,
    createNamespace: true,
    valuesFiles: [operatorValuesPath(env.ctx.dataDir, operator.name)],
    timeout,
  });
  return {
    id: `operator:${operator.name}`,
    title: `Operator ${operator.name} ${chart.version}`,
    kind: 'operator',
    shown: [
      ...(bundled ? [] : [runs(pull)]),
      equivalent(...checkDigest(archive, chart.digest)),
      runs(install),
      equivalent(
        targetCommand(target, 'kubectl', [
          'wait',
          '--for=condition=Available',
          'deployment',
          '--all',
          '-n',
          operator.namespace,
          `--timeout=${timeout}`,
        ]),
      ),
    ],
    run: (s) => installOperator(env, params, operator, { pull: bundled ? null : pull, install, archive }, s),
  };
}

function operatorValuesPath(dataDir: string, name: string): string {
  return join(dataDir, 'stack', 'values', 'operators', `${name}.yaml`);
}

/** `v1.16.1+logclaw-fake` and `v1.16.1` are the same version for "already installed". */
function sameVersion(a: string, b: string): boolean {
  const norm = (v: string) => v.replace(/^v/, '').replace(/\+.*$/, '');
  return norm(a) === norm(b);
}

async function installOperator(
  env: StepEnv,
  params: UpParams,
  operator: PlanOperator,
  commands: { pull: ToolCall | null; install: ToolCall; archive: string },
  s: StepContext,
): Promise<void> {
  const tools = stepTools(env, s);
  const { target, timeout } = params;
  const existing = await helmRelease(tools.read, target, operator.name, operator.namespace);
  // An installed stand-in counts only where stand-ins are allowed; elsewhere the real chart replaces it.
  if (
    existing?.status === 'deployed' &&
    sameVersion(existing.chartVersion, operator.chart.version) &&
    (env.standIns || !isStandIn(existing.chartVersion))
  ) {
    s.line(
      `${operator.name} ${existing.chartVersion} is already installed in ${operator.namespace} (once per cluster): checking it is ready`,
    );
  } else {
    await verifiedArchive(env, operator.chart, commands, tools, s);
    await repairIfPending(tools, target, operator.name, operator.namespace, s);
    await writeValues(operatorValuesPath(env.ctx.dataDir, operator.name), operatorValues(operator, env.ctx.settings.current.mirrors));
    s.message(`helm upgrade --install ${operator.name} (${basename(commands.archive)})`);
    await tools.exec(commands.install).catch((error: unknown) => {
      throw helmFailure(error, commands.install, operator.name);
    });
  }
  const objects = (await helmManifest(tools.read, target, operator.name, operator.namespace)).filter(
    (object) => object.kind === 'Deployment',
  );
  await waitObjects(env, s, target, objects, operator.namespace, timeout);
}

/**
 * The chart's archive, the app's own (no pull) or the cache's, downloaded when it is not there yet,
 * and checked before anything installs from it: against the plan's digest, the archive the user
 * accepted, or as a stand-in. A cached archive that fails the check is removed, so the next attempt
 * downloads it again; the app's own is never removed.
 */
async function verifiedArchive(
  env: StepEnv,
  chart: PlanChart,
  { pull, archive }: { pull: ToolCall | null; archive: string },
  tools: StepTools,
  s: StepContext,
): Promise<void> {
  const cache = chartCache(env.ctx.dataDir, chart);
  const from = pull ? pull.args[pull.args.indexOf('--repo') + 1]! : 'the app package';
  if (!pull) s.line(`${chart.name} ${chart.version}: shipped with the app at ${archive}`);
  else if (existsSync(cache.archive)) s.line(`${chart.name} ${chart.version}: cached at ${cache.archive}`);
  else {
    // helm names the file after the repository's URL (strimzi-kafka-operator-helm-3-chart-0.50.1.tgz),
    // so it pulls into an empty folder and the one archive there moves to the cache's fixed name.
    await rm(cache.download, { recursive: true, force: true });
    await mkdir(cache.download, { recursive: true });
    s.message(`downloading ${chart.name} ${chart.version}`);
    await tools.exec(pull).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'CANCELLED') throw error;
      throw new AppError(
        'DOWNLOAD_FAILED',
        `Cannot download ${chart.name} ${chart.version} from ${from}: ${helmMessage(error) ?? (error as Error).message}`,
        {
          hint: 'Check the network connection (and a proxy, if you use one), then retry.',
          detail: { command: shellLine(pull) },
          cause: error,
        },
      );
    });
    const pulled = (await readdir(cache.download)).filter((file) => file.endsWith('.tgz'));
    if (pulled.length !== 1)
      throw new AppError('DOWNLOAD_FAILED', `helm pull left ${pulled.length} archives in ${cache.download}, expected one`);
    const file = join(cache.download, pulled[0]!);
    await rename(file, cache.archive);
    await rm(cache.download, { recursive: true, force: true });
    s.command(renderShown(equivalent({ tool: 'mv', args: [file, cache.archive] })));
  }
  const trusted = { name: chart.name, version: chart.version, digest: chart.digest, source: chart.digestSource };
  const verdict = judgeArchive(env.ctx.dataDir, trusted, await readArchive(archive), env.standIns === true);
  if (verdict.kind === 'verified' || verdict.kind === 'mismatch')
    s.command(
      renderShown(
        equivalent(...checkDigest(archive, `${verdict.algorithm}:${verdict.kind === 'verified' ? verdict.actual : verdict.expected}`)),
      ),
    );
  try {
    const admitted = admit(trusted, verdict, {
      archive,
      from,
      renew: pull
        ? `Retry: the archive is downloaded again from ${from}.`
        : 'Reinstall the app: its package was changed after it was built.',
    });
    if (admitted.kind === 'accepted') await recordAccepted(env.ctx.dataDir, trusted, admitted.sha256);
    s.line(verdictLine(trusted, admitted));
  } catch (error) {
    // Keep an archive that only waits for the user's acceptance: accepting it accepts exactly this one.
    if (pull && verdict.kind !== 'unaccepted') await rm(archive, { force: true });
    throw error;
  }
}

export function strimziCrdsStep(env: StepEnv, params: UpParams, strimzi: PlanOperator): StepBody {
  const { target } = params;
  const url = strimziCrdsUrl(env.ctx.env, strimzi.chart.version);
  const apply = applyStrimziCrds(target, url);
  const restart = restartStrimziOperator(target, strimzi.namespace);
  return {
    id: 'crds:strimzi',
    title: 'Strimzi CRDs serve kafka.strimzi.io/v1',
    kind: 'crds',
    shown: [equivalent(showServedVersions(target)), runs(apply), runs(restart)],
    run: (s) => upgradeStrimziCrds(env, params, strimzi, { url, apply, restart }, s),
  };
}

/** Checked every time; upgraded server-side when a CRD lacks v1, then the operator restarts (ops/strimzi.ts). */
async function upgradeStrimziCrds(
  env: StepEnv,
  params: UpParams,
  strimzi: PlanOperator,
  upgrade: { url: string; apply: ToolCall; restart: ToolCall },
  s: StepContext,
): Promise<void> {
  const api = kubeFor(env, params.target).makeApiClient(ApiextensionsV1Api);
  const problems = async () =>
    (await readStrimziCrds(api))
      .filter((crd) => !servesV1(crd))
      .map((crd) => `${crd.name} ${crd.served ? `serves ${crd.served.join(', ')}` : 'is missing'}`);
  const before = await problems();
  if (before.length === 0) {
    s.line(`${STRIMZI_CRDS.join(', ')} serve v1 (Strimzi ${strimzi.chart.version})`);
    s.message('CRDs match the operator');
    return;
  }
  s.line(`CRDs older than Strimzi ${strimzi.chart.version}: ${before.join('; ')}`);
  s.line(`upgrading them server-side from ${upgrade.url}`);
  s.message('upgrading the Strimzi CRDs');
  const { exec } = stepTools(env, s);
  await exec(upgrade.apply);
  await exec(upgrade.restart);
  const after = await problems();
  if (after.length)
    throw new AppError('TOOL_FAILED', `The Strimzi CRDs still do not serve v1: ${after.join('; ')}`, {
      hint: `Apply them by hand: ${shellLine(upgrade.apply)}`,
    });
  await waitObjects(
    env,
    s,
    params.target,
    [{ apiVersion: 'apps/v1', kind: 'Deployment', name: STRIMZI_OPERATOR, namespace: strimzi.namespace }],
    strimzi.namespace,
    params.timeout,
  );
}
