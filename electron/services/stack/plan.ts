// The install plan (resources/stack.yaml) as typed data, and the pieces every step derives from it:
// which releases a tenant gets (its profile, toggles and values), the operators those need, their
// order, and their values files.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { AppError, type Mirrors, describeIssues } from '#contract/index.js';
import { DEFAULT_PROFILE } from '#contract/stack.js';

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
  /** Merged over values when an image mirror is set: the chart's keys that name its images, with {mirror}. */
  mirrorValues: z.record(z.string(), z.unknown()).optional(),
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
  /** Merged over the app's values when an image mirror is set: the chart's image keys global.imageRegistry misses, with {mirror}. */
  mirrorValues: z.record(z.string(), z.unknown()).optional(),
});
export type PlanRelease = z.infer<typeof Release>;

const Toggle = z.object({ name: z.string(), title: z.string(), releases: z.array(z.string()).min(1) });

const Profile = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  releases: z.array(z.string()).min(1),
  /** Optional parts, off unless chosen. */
  toggles: z.array(Toggle).default([]),
  /** Tenant-layout values between each chart's local values and the app's and user's. */
  values: z.record(z.string(), z.unknown()).default({}),
});
export type PlanProfile = z.infer<typeof Profile>;

export const StackPlan = z
  .object({
    operators: z.array(Operator),
    tenant: z.object({
      namespace: z.string(),
      helmFlags: z.array(z.string()).default([]),
      releases: z.array(Release),
    }),
    profiles: z.array(Profile).min(1),
  })
  .superRefine((plan, issues) => {
    const releases = new Map(plan.tenant.releases.map((release) => [release.name, release]));
    const operators = new Set(plan.operators.map((operator) => operator.name));
    const problem = (message: string) => issues.addIssue({ code: 'custom', message, path: ['profiles'] });
    if (!plan.profiles.some((profile) => profile.name === DEFAULT_PROFILE)) problem(`no profile is named ${DEFAULT_PROFILE} (the default)`);
    for (const profile of plan.profiles) {
      for (const name of [...profile.releases, ...profile.toggles.flatMap((toggle) => toggle.releases)]) {
        const release = releases.get(name);
        if (!release) problem(`profile ${profile.name} names release ${name}, which is not in tenant.releases`);
        // local: false means "only when the tenant's values enable it", never by a profile.
        else if (!release.local) problem(`profile ${profile.name} names release ${name}, which is local: false`);
      }
    }
    for (const release of plan.tenant.releases)
      for (const name of release.operators) if (!operators.has(name)) problem(`release ${release.name} needs unknown operator ${name}`);
  });
export type StackPlan = z.infer<typeof StackPlan>;

export function readPlan(appRoot: string): StackPlan {
  const path = join(appRoot, 'resources', 'stack.yaml');
  const parsed = StackPlan.safeParse(YAML.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new AppError('INTERNAL', `${path} is not a valid install plan: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function planProfile(plan: StackPlan, name: string): PlanProfile {
  const profile = plan.profiles.find((candidate) => candidate.name === name);
  if (!profile)
    throw new AppError('INVALID_REQUEST', `There is no profile "${name}"`, {
      hint: `Choose one of ${plan.profiles.map((candidate) => candidate.name).join(', ')}.`,
    });
  return profile;
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

/** What the person chose to install: a profile and the names of its toggles that are on. */
export interface ReleaseChoice {
  profile: string;
  toggles: readonly string[];
}

/** The profile's releases with its chosen toggles' (an unknown toggle is refused with the known ones). */
export function profileReleases(plan: StackPlan, choice: ReleaseChoice): string[] {
  const profile = planProfile(plan, choice.profile);
  const unknown = choice.toggles.filter((name) => !profile.toggles.some((toggle) => toggle.name === name));
  if (unknown.length)
    throw new AppError('INVALID_REQUEST', `The ${profile.name} profile has no toggle ${unknown.join(', ')}`, {
      hint: profile.toggles.length
        ? `Its toggles: ${profile.toggles.map((toggle) => toggle.name).join(', ')}.`
        : 'It has no toggles: it installs all its releases.',
    });
  const on = profile.toggles.filter((toggle) => choice.toggles.includes(toggle.name)).flatMap((toggle) => toggle.releases);
  return [...profile.releases, ...on];
}

/**
 * The releases a tenant gets, in plan order: the profile's and its chosen toggles', plus those its
 * values enable (`enabledBy`, `<chart>.enabled: true`), minus those its values disable
 * (`<chart>.enabled: false`); dependencies on releases that are not installed are dropped (the
 * plan says "zammad only when it is installed").
 */
export function selectReleases(plan: StackPlan, choice: ReleaseChoice, values: TenantValues): PlanRelease[] {
  const chosen = new Set(profileReleases(plan, choice));
  const selected = plan.tenant.releases.filter((release) => {
    const enabled = lookup(values, release.enabledBy ?? `${release.values.tenantSection}.enabled`);
    return enabled === true || (enabled !== false && chosen.has(release.name));
  });
  const names = new Set(selected.map((release) => release.name));
  return selected.map((release) => ({ ...release, dependsOn: release.dependsOn.filter((dep) => names.has(dep)) }));
}

/** The operators the releases name in `operators:`, with the operators those depend on, in plan order. */
export function neededOperators(plan: StackPlan, releases: readonly string[]): PlanOperator[] {
  const needed = new Set(plan.tenant.releases.filter((release) => releases.includes(release.name)).flatMap((release) => release.operators));
  const byName = new Map(plan.operators.map((operator) => [operator.name, operator]));
  // A Set's iteration also visits what is added during it: this walks the dependencies transitively.
  for (const name of needed) byName.get(name)?.dependsOn.forEach((dep) => needed.add(dep));
  return plan.operators.filter((operator) => needed.has(operator.name));
}

/** Helm's merge of values files: maps merge key by key, anything else (lists too) replaces. */
export function mergeValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const left = out[key];
    out[key] =
      left && value && typeof left === 'object' && typeof value === 'object' && !Array.isArray(left) && !Array.isArray(value)
        ? mergeValues(left as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

/** The user's tenant-layout values: the values file, then the overrides (YAML text) over it. */
export async function readUserValues(input: { valuesFile?: string; overrides?: string }): Promise<TenantValues> {
  let values: TenantValues = {};
  if (input.valuesFile) {
    const text = await readFile(input.valuesFile, 'utf8').catch((error: Error) => {
      throw new AppError('INVALID_REQUEST', `Cannot read the values file ${input.valuesFile}: ${error.message}`);
    });
    values = parseTenantValues(text, input.valuesFile);
  }
  return input.overrides ? mergeValues(values, parseTenantValues(input.overrides, 'the overrides')) : values;
}

/** The tenant-layout values for one chart: `global` and the chart's own section. */
export function valuesForChart(values: TenantValues, chart: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (values.global && typeof values.global === 'object') out.global = values.global;
  const section = values[chart];
  if (section && typeof section === 'object') Object.assign(out, section);
  return out;
}

/** A tenant release's values for the settings' image mirror: global.imageRegistry (every chart's mirror switch) and its mirrorValues. */
export function releaseMirrorValues(release: PlanRelease, mirrors: Mirrors): Record<string, unknown> {
  if (!mirrors.images) return {};
  return mergeValues({ global: { imageRegistry: mirrors.images } }, fillMirror(release.mirrorValues ?? {}, mirrors.images));
}

/** An operator's values: the plan's, and with an image mirror its mirrorValues over them. */
export function operatorValues(operator: PlanOperator, mirrors: Mirrors): Record<string, unknown> {
  if (!mirrors.images || !operator.mirrorValues) return operator.values;
  return mergeValues(operator.values, fillMirror(operator.mirrorValues, mirrors.images));
}

function fillMirror(values: Record<string, unknown>, mirror: string): Record<string, unknown> {
  const filled = (node: unknown): unknown =>
    typeof node === 'string'
      ? node.replaceAll('{mirror}', mirror)
      : node && typeof node === 'object' && !Array.isArray(node)
        ? Object.fromEntries(Object.entries(node).map(([key, value]) => [key, filled(value)]))
        : node;
  return filled(values) as Record<string, unknown>;
}

/** Where an operator's chart is pulled from: the test hook's repository (a checkout only), the settings' chart mirror, else the plan's. */
export function operatorRepository(chart: PlanChart, mirrors: Mirrors, testRepo: string | undefined): string {
  return testRepo ?? mirrors.operatorCharts ?? chart.repository;
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
