// The tenant's releases: one `helm upgrade --install` of a chart of charts/ each, with the local
// profile's values, the app's (tenant id, storage class, dev secrets) and the user's, then a wait
// for the release's own resources to be ready.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '#contract/index.js';
import type { StepContext } from '../../jobs/job-runner.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { helmManifest } from '../helm.js';
import { helmUpgrade } from '../ops/releases.js';
import { runs } from '../ops/shown.js';
import { type PlanRelease, assertChartReady, chartPath, fill, parseTenantValues, valuesForChart } from '../plan.js';
import { secretValues, secretValuesFor } from '../secrets.js';
import { tenantNamespace } from '../services.js';
import { checkDependencies } from './chart-checks.js';
import { helmFailure, repairIfPending, writeValues } from './helm-install.js';
import { type StepBody, type StepEnv, type UpParams, stepTools, waitObjects } from './step.js';

interface ReleaseFiles {
  /** Written by the app: tenant id, storage class, dev secrets. */
  app: string;
  /** The user's values for this chart; passed whenever the install has user values, so the command does not depend on their content. */
  user?: string;
}

export function releaseStep(env: StepEnv, params: UpParams, release: PlanRelease): StepBody {
  const { target, tenant, timeout } = params;
  const name = fill(release.release, tenant);
  const files: ReleaseFiles = {
    app: releaseValuesPath(env.ctx.dataDir, tenant, release.name, 'app'),
    ...(params.valuesFile || params.overrides ? { user: releaseValuesPath(env.ctx.dataDir, tenant, release.name, 'user') } : {}),
  };
  const install = helmUpgrade(target, {
    install: true,
    release: name,
    chart: chartPath(env.chartsDir, release.chart),
    namespace: tenantNamespace(tenant),
    valuesFiles: [...release.values.local.map((file) => chartPath(env.chartsDir, file)), files.app, ...(files.user ? [files.user] : [])],
    timeout,
  });
  return {
    id: `release:${release.name}`,
    title: `Release ${name}`,
    kind: 'release',
    shown: [runs(install)],
    run: (s) => installRelease(env, params, release, install, files, s),
  };
}

function releaseValuesPath(dataDir: string, tenant: string, name: string, which: 'app' | 'user'): string {
  return join(dataDir, 'stack', 'values', tenant, `${name}.${which}.yaml`);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const left = out[key];
    out[key] =
      left && value && typeof left === 'object' && typeof value === 'object' && !Array.isArray(left) && !Array.isArray(value)
        ? deepMerge(left as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

/** The user's tenant-layout overrides, read at each run (so fixing the file and retrying works). */
async function userValues(params: UpParams): Promise<Record<string, unknown>> {
  let values: Record<string, unknown> = {};
  if (params.valuesFile) {
    const text = await readFile(params.valuesFile, 'utf8').catch((error: Error) => {
      throw new AppError('INVALID_REQUEST', `Cannot read the values file ${params.valuesFile}: ${error.message}`);
    });
    values = parseTenantValues(text, params.valuesFile);
  }
  if (params.overrides) values = deepMerge(values, parseTenantValues(params.overrides, 'the overrides'));
  return values;
}

async function installRelease(
  env: StepEnv,
  params: UpParams,
  release: PlanRelease,
  install: ToolCall,
  files: ReleaseFiles,
  s: StepContext,
): Promise<void> {
  const { target, tenant, timeout } = params;
  const namespace = tenantNamespace(tenant);
  const name = fill(release.release, tenant);
  const chartDir = chartPath(env.chartsDir, release.chart);
  if (!existsSync(chartDir))
    throw new AppError('NOT_FOUND', `Chart ${chartDir} does not exist`, {
      hint: 'Set LOGCLAW_CHARTS_DIR to the charts folder, or reinstall the app.',
    });
  assertChartReady(chartDir);
  await checkDependencies(env, chartDir, s);
  const { secrets } = await env.secrets.ensure(tenant);
  const tools = stepTools(env, s, secretValues(secrets));
  await writeValues(
    files.app,
    deepMerge({ global: { tenantId: tenant, storageClass: params.storageClass } }, secretValuesFor(release.name, secrets)),
  );
  if (files.user) await writeValues(files.user, valuesForChart(await userValues(params), release.values.tenantSection));
  await repairIfPending(tools, target, name, namespace, s);
  s.message(`helm upgrade --install ${name}`);
  await tools.exec(install).catch((error: unknown) => {
    throw helmFailure(error, install, name);
  });
  const objects = await helmManifest(tools.read, target, name, namespace);
  await waitObjects(env, s, target, objects, namespace, timeout);
}
