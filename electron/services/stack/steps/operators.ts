// The operators (once per cluster, shared by every tenant) and the Strimzi CRD check after them.
import { join } from 'node:path';
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { shellLine } from '#contract/command.js';
import { AppError } from '#contract/index.js';
import type { StepContext } from '../../jobs/job-runner.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { helmManifest, helmRelease } from '../helm.js';
import { helmUpgrade } from '../ops/releases.js';
import { equivalent, runs } from '../ops/shown.js';
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
import type { PlanOperator } from '../plan.js';
import { targetCommand } from '../target.js';
import { helmFailure, repairIfPending, writeValues } from './helm-install.js';
import { type StepBody, type StepEnv, type UpParams, kubeFor, stepTools, waitObjects } from './step.js';

export function operatorStep(env: StepEnv, params: UpParams, operator: PlanOperator): StepBody {
  const { target, timeout } = params;
  const repo = env.operatorRepo ?? operator.chart.repository;
  const install = helmUpgrade(target, {
    install: true,
    release: operator.name,
    chart: operator.chart.name,
    repo,
    version: operator.chart.version,
    namespace: operator.namespace,
    createNamespace: true,
    valuesFiles: [operatorValuesPath(env.ctx.dataDir, operator.name)],
    timeout,
  });
  return {
    id: `operator:${operator.name}`,
    title: `Operator ${operator.name} ${operator.chart.version}`,
    kind: 'operator',
    shown: [
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
    run: (s) => installOperator(env, params, operator, repo, install, s),
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
  repo: string,
  install: ToolCall,
  s: StepContext,
): Promise<void> {
  const tools = stepTools(env, s);
  const { target, timeout } = params;
  const existing = await helmRelease(tools.read, target, operator.name, operator.namespace);
  if (existing?.status === 'deployed' && sameVersion(existing.chartVersion, operator.chart.version)) {
    s.line(
      `${operator.name} ${existing.chartVersion} is already installed in ${operator.namespace} (once per cluster): checking it is ready`,
    );
  } else {
    await repairIfPending(tools, target, operator.name, operator.namespace, s);
    await writeValues(operatorValuesPath(env.ctx.dataDir, operator.name), operator.values);
    s.message(`helm upgrade --install ${operator.name} (${repo})`);
    await tools.exec(install).catch((error: unknown) => {
      throw helmFailure(error, install, operator.name);
    });
  }
  const objects = (await helmManifest(tools.read, target, operator.name, operator.namespace)).filter(
    (object) => object.kind === 'Deployment',
  );
  await waitObjects(env, s, target, objects, operator.namespace, timeout);
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
