// The reality check: do the images and operator charts the install will pull exist, and can they be
// pulled from here? Each is asked of its registry (a manifest HEAD) or chart repository (index.yaml)
// before anything is created; the result is classified with the fix for each kind of answer.
import { z } from 'zod';

/** Every result, failures first: the order summaries and lists use. */
export const REALITY_RESULTS = [
  'not-found',
  'digest-differs',
  'unauthorized',
  'invalid',
  'rate-limited',
  'unreachable',
  'error',
  'found',
] as const;
export const RealityResult = z.enum(REALITY_RESULTS);
export type RealityResult = z.infer<typeof RealityResult>;

/** How much each result stops an install: a pull that cannot work fails; one that may work later warns. */
export const REALITY_SEVERITY: Record<RealityResult, 'fail' | 'warn' | 'pass'> = {
  'not-found': 'fail',
  'digest-differs': 'fail',
  unauthorized: 'fail',
  invalid: 'fail',
  'rate-limited': 'warn',
  unreachable: 'warn',
  error: 'warn',
  found: 'pass',
};

export const REALITY_TITLES: Record<RealityResult, string> = {
  'not-found': 'Not found',
  'digest-differs': 'Digest differs',
  unauthorized: 'Unauthorized',
  invalid: 'Invalid name',
  'rate-limited': 'Rate-limited',
  unreachable: 'Unreachable',
  error: 'Unexpected answer',
  found: 'Found',
};

/** A registry's pull quota as it reported it (Docker Hub's `ratelimit-limit: 100;w=21600` headers). */
export const RateLimit = z.object({
  limit: z.number(),
  remaining: z.number(),
  /** The quota's window, when the registry says (Docker Hub: 21600 s). */
  windowSeconds: z.number().nullable(),
});
export type RateLimit = z.infer<typeof RateLimit>;

export const RealityItem = z.object({
  kind: z.enum(['image', 'chart']),
  /** The image reference as the charts render it, or `<chart> <version>`. */
  ref: z.string(),
  /** The registry (docker.io, ghcr.io, 127.0.0.1:5000) or the chart repository URL. */
  registry: z.string(),
  /** The releases and operators that use it. */
  usedBy: z.array(z.string()),
  result: RealityResult,
  /** The manifest's (or chart archive's) digest, when found. */
  digest: z.string().optional(),
  /** What the registry answered, in one line. */
  reason: z.string(),
  /** What to do about it, when it is not found. */
  fix: z.string().optional(),
  /** A command that fixes it, to copy (`docker login ghcr.io`). */
  command: z.string().optional(),
  /** Rate-limited: when the registry says to try again (epoch ms). */
  retryAt: z.number().optional(),
  rateLimit: RateLimit.optional(),
  /** The HTTP status of the answer that decided the result. */
  status: z.number().optional(),
});
export type RealityItem = z.infer<typeof RealityItem>;

export const RealityReport = z.object({
  at: z.number(),
  durationMs: z.number(),
  items: z.array(RealityItem),
});
export type RealityReport = z.infer<typeof RealityReport>;

/** Progress of a reality check: one event per answered image or chart. */
export const RealityProgress = z.object({ done: z.number(), total: z.number(), ref: z.string().nullable() });
export type RealityProgress = z.infer<typeof RealityProgress>;

/** The items grouped by result, failures first, each group in reference order. */
export function groupByResult(items: readonly RealityItem[]): Array<{ result: RealityResult; items: RealityItem[] }> {
  return REALITY_RESULTS.map((result) => ({
    result,
    items: items.filter((item) => item.result === result).sort((a, b) => a.ref.localeCompare(b.ref)),
  })).filter((group) => group.items.length > 0);
}

/** The fix every item of a group shares, to say once instead of once per item. */
export function sharedFix(items: readonly RealityItem[]): string | undefined {
  const fix = items[0]?.fix;
  return items.length > 1 && fix && items.every((item) => item.fix === fix) ? fix : undefined;
}
