// Helpers for the chart tests: a private copy of charts/ with its dependencies prepared (stand-ins
// for the upstream charts), rendering with real helm, and finding objects in the output.
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { prepareDependencies } from '../../scripts/charts/deps.js';
import { CHARTS_DIR, REPO_ROOT, run } from '../../scripts/charts/lib.js';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * charts/ copied into this test run's folder and prepared with the stand-ins, once per run (test
 * files in other workers wait on a lock). Tests never write into the working tree.
 */
export async function preparedCharts(helm: string): Promise<string> {
  const root = process.env.LOGCLAW_TEST_ENV_DIR ?? mkdtempSync(join(tmpdir(), 'logclaw-charts-'));
  const dir = join(root, 'charts');
  const done = join(root, 'charts.prepared');
  const lock = join(root, 'charts.lock');
  mkdirSync(root, { recursive: true });
  for (;;) {
    if (existsSync(done)) return dir;
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    rmSync(dir, { recursive: true, force: true });
    cpSync(CHARTS_DIR, dir, { recursive: true, filter: (src) => !/\/logclaw-[^/]+\/charts(\/|$)/.test(src.slice(CHARTS_DIR.length)) });
    await prepareDependencies({ helm, chartsDir: dir, standIns: true });
    writeFileSync(done, '');
    return dir;
  } finally {
    rmSync(lock, { force: true });
  }
}

export interface RenderOptions {
  /** Release name (default logclaw-<chart>-<tenant> as the app installs it, or "logclaw-test"). */
  release?: string;
  namespace?: string;
  /** Values files, relative to the chart (e.g. ci/default-values.yaml) or absolute. */
  files?: string[];
  /** Values given inline (written to a temporary file after `files`). */
  values?: unknown;
  /** --api-versions: CRDs the render should believe exist. */
  apiVersions?: string[];
}

export class RenderError extends Error {}

/** helm template; resolves to the parsed objects, throws RenderError with helm's stderr. */
export async function render(helm: string, chartsDir: string, chart: string, opts: RenderOptions = {}): Promise<K8sObject[]> {
  const r = await helmTemplate(helm, chartsDir, chart, opts);
  if (r.exitCode !== 0) throw new RenderError(r.stderr.trim());
  return parseDocs(r.stdout);
}

/** helm template expected to fail; resolves to helm's message. */
export async function renderFailure(helm: string, chartsDir: string, chart: string, opts: RenderOptions = {}): Promise<string> {
  const r = await helmTemplate(helm, chartsDir, chart, opts);
  if (r.exitCode === 0) throw new Error(`expected ${chart} to fail to render, but it rendered`);
  return r.stderr;
}

/** The raw YAML helm prints (for kubectl). */
export async function renderText(helm: string, chartsDir: string, chart: string, opts: RenderOptions = {}): Promise<string> {
  const r = await helmTemplate(helm, chartsDir, chart, opts);
  if (r.exitCode !== 0) throw new RenderError(r.stderr.trim());
  return r.stdout;
}

async function helmTemplate(helm: string, chartsDir: string, chart: string, opts: RenderOptions) {
  const chartDir = join(chartsDir, chart);
  const args = ['template', opts.release ?? 'logclaw-test', chartDir, '--namespace', opts.namespace ?? 'logclaw-test'];
  for (const f of opts.files ?? []) args.push('-f', f.startsWith('/') ? f : join(chartDir, f));
  let tmp: string | undefined;
  if (opts.values !== undefined) {
    tmp = mkdtempSync(join(tmpdir(), 'logclaw-values-'));
    writeFileSync(join(tmp, 'values.yaml'), YAML.stringify(opts.values));
    args.push('-f', join(tmp, 'values.yaml'));
  }
  for (const api of opts.apiVersions ?? []) args.push('--api-versions', api);
  try {
    return await run(helm, args);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

export function parseDocs(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((d): d is K8sObject => d !== null && typeof d === 'object' && 'kind' in d);
}

export function ofKind(docs: K8sObject[], kind: string): K8sObject[] {
  return docs.filter((d) => d.kind === kind);
}

/** The one object of this kind and name; fails the test with what exists otherwise. */
export function get(docs: K8sObject[], kind: string, name: string): K8sObject {
  const found = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name}; ${kind}s rendered: ${
        ofKind(docs, kind)
          .map((d) => d.metadata.name)
          .join(', ') || 'none'
      }`,
    );
  return found;
}

/** Reads a YAML file of the repository. */
export function repoYaml<T = unknown>(path: string): T {
  return YAML.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as T;
}

/** Workload-like objects: what ends up as long-running pods. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** The local kind profile's values of a chart. */
export const LOCAL = ['ci/default-values.yaml'];

/** Tenant ids of the ci scenarios, so renders land in the namespaces the tests create. */
export function tenantOf(chartsDir: string, chart: string, file: string): string {
  const values = YAML.parse(readFileSync(join(chartsDir, chart, file), 'utf8')) as { global?: { tenantId?: string } };
  return values.global?.tenantId ?? 'test';
}
