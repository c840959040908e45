// The reality check: every image the install will pull and every operator chart, asked of their
// registries and repositories a few at a time, each answer classified with its fix. The images are
// those the tenant charts render plus the inventory's images no render shows (the operators' own, and
// those they create at run time).
import YAML from 'yaml';
import type { RealityItem, RealityProgress, RealityReport } from '#contract/images.js';
import { OPERATOR_MIRROR, TENANT_MIRROR, chartAdvice, imageAdvice } from './advice.js';
import type { ChartRepoClient, ChartSpec } from './chart-repo.js';
import type { InventoryEntry } from './inventory.js';
import { InvalidReference, parseImageRef, registryOf } from './reference.js';
import type { RegistryClient } from './registry-client.js';

export interface ImageTarget {
  ref: string;
  usedBy: string[];
  /** Where a mirror for it is configured (advice.ts). */
  mirror: string;
}

export interface ChartTarget extends ChartSpec {
  usedBy: string[];
}

/** Every string under an `image` key of the rendered objects: containers, init containers and custom resources alike. */
export function renderedImages(manifest: string): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === 'image' && typeof value === 'string' && value.trim()) found.add(value.trim());
        else walk(value);
      }
  };
  for (const doc of YAML.parseAllDocuments(manifest)) walk(doc.toJS());
  return [...found];
}

/** An image without its registry (strimzi/kafka:0.50.1), to recognise a mirror's copy of it. */
function pathOf(ref: string): string {
  try {
    const parsed = parseImageRef(ref);
    return `${parsed.repository}:${parsed.reference}`;
  } catch {
    return ref;
  }
}

/**
 * The images of an install: each rendered release's, and the inventory's that no render shows (run
 * time, or an operator's) for the operators and releases installed. Inventory names a user as the
 * plan does (strimzi) or by chart (logclaw-kafka); a run-time image a chart already names (through a
 * mirror) is the chart's.
 */
export function collectImages(
  rendered: ReadonlyArray<{ name: string; chart: string; manifest: string }>,
  inventory: readonly InventoryEntry[],
  operators: readonly string[],
): ImageTarget[] {
  const users = new Map<string, Set<string>>();
  const operatorOnly = new Map<string, boolean>();
  const add = (ref: string, user: string, operator: boolean) => {
    users.set(ref, (users.get(ref) ?? new Set()).add(user));
    operatorOnly.set(ref, (operatorOnly.get(ref) ?? true) && operator);
  };
  for (const release of rendered) for (const ref of renderedImages(release.manifest)) add(ref, release.name, false);
  const releaseOf = new Map(rendered.flatMap((release) => [[release.name, release.name] as const, [release.chart, release.name] as const]));
  const renderedPaths = new Set([...users.keys()].map(pathOf));
  for (const entry of inventory) {
    // A chart that names the run-time image itself (a mirror's copy: same path, another registry) replaces the operator's default.
    if (entry.runtime && renderedPaths.has(pathOf(entry.image))) continue;
    const forOperator = entry.usedBy.filter((user) => operators.includes(user));
    const forRelease = entry.usedBy.map((user) => releaseOf.get(user)).filter((name): name is string => Boolean(name));
    if (!entry.runtime && forOperator.length === 0) continue;
    for (const user of forOperator) add(entry.image, user, true);
    for (const user of entry.runtime ? forRelease : []) add(entry.image, user, false);
  }
  return [...users.entries()]
    .map(([ref, set]) => ({ ref, usedBy: [...set].sort(), mirror: operatorOnly.get(ref) ? OPERATOR_MIRROR : TENANT_MIRROR }))
    .sort((a, b) => a.ref.localeCompare(b.ref));
}

export interface RealityOptions {
  registry: RegistryClient;
  charts: ChartRepoClient;
  /** Requests in flight at once. */
  concurrency?: number;
  onProgress?: (progress: RealityProgress) => void;
  now?: () => number;
  /** HTTPS_PROXY is set for this process (the advice says the check went direct). */
  proxied?: boolean;
}

export const DEFAULT_CONCURRENCY = 6;

async function imageItem(target: ImageTarget, options: RealityOptions): Promise<RealityItem> {
  const base = { kind: 'image' as const, ref: target.ref, usedBy: target.usedBy };
  let ref;
  try {
    ref = parseImageRef(target.ref);
  } catch (error) {
    if (!(error instanceof InvalidReference)) throw error;
    const registry = registryOf(target.ref);
    const answer = { result: 'invalid' as const };
    return { ...base, registry, ...answer, reason: error.message, ...imageAdvice(registry, answer, adviceOptions(target, options)) };
  }
  const { authenticated: _authenticated, network, ...probe } = await options.registry.probe(ref);
  return { ...base, registry: ref.domain, ...probe, ...imageAdvice(ref.domain, { ...probe, network }, adviceOptions(target, options)) };
}

function adviceOptions(target: ImageTarget, options: RealityOptions) {
  return { mirror: target.mirror, proxied: options.proxied ?? false };
}

async function chartItem(target: ChartTarget, options: RealityOptions): Promise<RealityItem> {
  const { network, ...answer } = await options.charts.check(target);
  return {
    kind: 'chart',
    ref: `${target.chart} ${target.version}`,
    registry: target.repository,
    usedBy: target.usedBy,
    ...answer,
    ...chartAdvice(target.repository, { ...answer, network }, options.proxied ?? false),
  };
}

/** Asks about every image and chart, `concurrency` at a time; items keep the order of the targets. */
export async function runRealityCheck(
  targets: { images: readonly ImageTarget[]; charts: readonly ChartTarget[] },
  options: RealityOptions,
): Promise<RealityReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const work: Array<{ ref: string; run: () => Promise<RealityItem> }> = [
    ...targets.images.map((target) => ({ ref: target.ref, run: () => imageItem(target, options) })),
    ...targets.charts.map((target) => ({ ref: `${target.chart} ${target.version}`, run: () => chartItem(target, options) })),
  ];
  const items: RealityItem[] = new Array(work.length);
  let next = 0;
  let done = 0;
  options.onProgress?.({ done, total: work.length, ref: null });
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, work.length) }, async () => {
      while (next < work.length) {
        const index = next++;
        items[index] = await work[index]!.run();
        options.onProgress?.({ done: ++done, total: work.length, ref: work[index]!.ref });
      }
    }),
  );
  return { at: started, durationMs: now() - started, items };
}
