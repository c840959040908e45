// The install plan (resources/stack.yaml) as typed data, and the pieces every step derives from it:
// which releases a tenant gets, their order, and their values files.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { AppError, describeIssues } from '#contract/index.js';

const Operator = z.object({
  name: z.string(),
  namespace: z.string(),
  chart: z.object({
    repository: z.string().url(),
    name: z.string(),
    version: z.string(),
    /** The archive's digest as its repository publishes it, or null where none could be established. */
    digest: z
      .string()
      .regex(/^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/, 'sha256:<64 hex digits> or sha512:<128 hex digits>')
      .nullable(),
    /** Where the digest was read, or why there is none. */
    digestSource: z.string().min(1),
  }),
  values: z.record(z.string(), z.unknown()).default({}),
  dependsOn: z.array(z.string()).default([]),
});
export type PlanOperator = z.infer<typeof Operator>;
export type PlanChart = PlanOperator['chart'];

const Release = z.object({
  name: z.string(),
  chart: z.string(),
  release: z.string(),
  values: z.object({ local: z.array(z.string()), tenantSection: z.string() }),
  operators: z.array(z.string()).default([]),
  dependsOn: z.array(z.string()).default([]),
  /** Installed only when this dotted key of the tenant's values is true. */
  enabledBy: z.string().optional(),
  /** false: not part of the local profile unless enabled. */
  local: z.boolean().default(true),
});
export type PlanRelease = z.infer<typeof Release>;

export const StackPlan = z.object({
  operators: z.array(Operator),
  tenant: z.object({
    namespace: z.string(),
    helmFlags: z.array(z.string()).default([]),
    releases: z.array(Release),
  }),
});
export type StackPlan = z.infer<typeof StackPlan>;

export function readPlan(appRoot: string): StackPlan {
  const path = join(appRoot, 'resources', 'stack.yaml');
  const parsed = StackPlan.safeParse(YAML.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new AppError('INTERNAL', `${path} is not a valid install plan: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function fill(text: string, tenant: string): string {
  return text.replaceAll('{tenantId}', tenant);
}

/** The per-release timeout of the plan's helm flags (`--timeout 20m`), default 20m. */
export function planTimeout(plan: StackPlan): string {
  const index = plan.tenant.helmFlags.indexOf('--timeout');
  return (index >= 0 ? plan.tenant.helmFlags[index + 1] : undefined) ?? '20m';
}

/** A tenant-layout values document: `global` plus one section per chart. */
export type TenantValues = Record<string, unknown>;

export function parseTenantValues(text: string | undefined, source: string): TenantValues {
  if (!text?.trim()) return {};
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (error) {
    throw new AppError('INVALID_REQUEST', `${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new AppError('INVALID_REQUEST', `${source} must be a map (global: …, logclaw-kafka: …)`);
  return value as TenantValues;
}

function lookup(values: TenantValues, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), values);
}

/**
 * The releases a tenant gets: the local profile's, plus those its values enable (`enabledBy`),
 * minus those its values disable (`<chart>.enabled: false`); dependencies on releases that are
 * not installed are dropped (the plan says "zammad only when it is installed").
 */
export function selectReleases(plan: StackPlan, values: TenantValues): PlanRelease[] {
  const selected = plan.tenant.releases.filter((release) => {
    const enabled = lookup(values, release.enabledBy ?? `${release.values.tenantSection}.enabled`);
    if (enabled === false) return false;
    if (release.enabledBy) return enabled === true || (release.local && enabled !== false);
    return release.local || enabled === true;
  });
  const names = new Set(selected.map((release) => release.name));
  return selected.map((release) => ({ ...release, dependsOn: release.dependsOn.filter((dep) => names.has(dep)) }));
}

/** The tenant-layout values for one chart: `global` and the chart's own section. */
export function valuesForChart(values: TenantValues, chart: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (values.global && typeof values.global === 'object') out.global = values.global;
  const section = values[chart];
  if (section && typeof section === 'object') Object.assign(out, section);
  return out;
}

/** Where the tenant charts are: LOGCLAW_CHARTS_DIR (a prepared copy), else the app's charts/. */
export function chartsDirFor(appRoot: string, env: NodeJS.ProcessEnv): string {
  return env.LOGCLAW_CHARTS_DIR ? resolve(env.LOGCLAW_CHARTS_DIR) : join(appRoot, 'charts');
}

/** Plan paths are relative to the app root (`charts/...`); the charts may live elsewhere (a prepared copy). */
export function chartPath(chartsDir: string, planPath: string): string {
  return join(chartsDir, planPath.replace(/^charts\//, ''));
}

/** Throws with the fix when a chart's dependencies are not in its charts/ folder (`npm run charts:deps`). */
export function assertChartReady(chartDir: string): void {
  const chart = YAML.parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { name: string; dependencies?: { name: string }[] };
  const dir = join(chartDir, 'charts');
  const present = existsSync(dir) ? readdirSync(dir) : [];
  const missing = (chart.dependencies ?? []).filter(
    (dep) => !present.some((file) => file.startsWith(`${dep.name}-`) && file.endsWith('.tgz')),
  );
  if (missing.length) {
    throw new AppError('HELM_FAILED', `Chart ${chart.name} is missing its dependencies ${missing.map((dep) => dep.name).join(', ')}`, {
      hint: 'Run `npm run charts:deps` once in the checkout (or set LOGCLAW_CHARTS_DIR to prepared charts).',
    });
  }
}
