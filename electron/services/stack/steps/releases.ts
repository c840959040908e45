// The tenant's releases: one `helm upgrade --install` of a chart of charts/ each, with the chart's
// local values, the profile's, the app's (tenant id, storage class, dev secrets) and the user's,
// then a wait for the release's own resources to be ready.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '#contract/index.js';
import type { StepContext } from '../../jobs/job-runner.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { helmManifest } from '../helm.js';
import { helmUpgrade } from '../ops/releases.js';
import { runs } from '../ops/shown.js';
import {
  type PlanRelease,
  assertChartReady,
  chartPath,
  fill,
  mergeValues,
  planProfile,
  readUserValues,
  releaseMirrorValues,
  valuesForChart,
} from '../plan.js';
import { secretValues, secretValuesFor } from '../secrets.js';
import { tenantNamespace } from '../services.js';
import { checkDependencies } from './chart-checks.js';
import { helmFailure, repairIfPending, writeValues } from './helm-install.js';
import { type StepBody, type StepEnv, type UpParams, stepTools, waitObjects } from './step.js';

interface ReleaseFiles {
  /** The profile's values for this chart, when it has any. */
  profile?: string;
  /** Written by the app: tenant id, storage class, dev secrets. */
  app: string;
  /** The user's values for this chart; passed whenever the install has user values, so the command does not depend on their content. */
  user?: string;
}

export function releaseStep(env: StepEnv, params: UpParams, release: PlanRelease): StepBody {
  const { target, tenant, timeout } = params;
  const name = fill(release.release, tenant);
  const files: ReleaseFiles = {
    ...(Object.keys(profileValues(env, params, release)).length
      ? { profile: releaseValuesPath(env.ctx.dataDir, tenant, release.name, 'profile') }
      : {}),
    app: releaseValuesPath(env.ctx.dataDir, tenant, release.name, 'app'),
    ...(params.valuesFile || params.overrides ? { user: releaseValuesPath(env.ctx.dataDir, tenant, release.name, 'user') } : {}),
  };
  const install = helmUpgrade(target, {
    install: true,
    release: name,
    chart: chartPath(env.chartsDir, release.chart),
    namespace: tenantNamespace(tenant),
    valuesFiles: [
      ...release.values.local.map((file) => chartPath(env.chartsDir, file)),
      ...(files.profile ? [files.profile] : []),
      files.app,
      ...(files.user ? [files.user] : []),
    ],
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

function releaseValuesPath(dataDir: string, tenant: string, name: string, which: 'profile' | 'app' | 'user'): string {
  return join(dataDir, 'stack', 'values', tenant, `${name}.${which}.yaml`);
}

function profileValues(env: StepEnv, params: UpParams, release: PlanRelease): Record<string, unknown> {
  return params.profile ? valuesForChart(planProfile(env.plan, params.profile).values, release.values.tenantSection) : {};
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
  if (files.profile) await writeValues(files.profile, profileValues(env, params, release));
  await writeValues(
    files.app,
    [
      { global: { tenantId: tenant, storageClass: params.storageClass } },
      releaseMirrorValues(release, env.ctx.settings.current.mirrors),
      secretValuesFor(release.name, secrets),
    ].reduce(mergeValues),
  );
  // The user's values are read at each run, so fixing the file and retrying works.
  if (files.user) await writeValues(files.user, valuesForChart(await readUserValues(params), release.values.tenantSection));
  await repairIfPending(tools, target, name, namespace, s);
  s.message(`helm upgrade --install ${name}`);
  await tools.exec(install).catch((error: unknown) => {
    throw helmFailure(error, install, name);
  });
  const objects = await helmManifest(tools.read, target, name, namespace);
  await waitObjects(env, s, target, objects, namespace, timeout);
}
