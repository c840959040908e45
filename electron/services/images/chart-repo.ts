// Asks an operator chart's Helm repository whether the pinned version is there: its index.yaml
// (`entries.<chart>[]` with `version` and the archive's sha256 `digest`, as `helm repo index` writes
// it) is read once per repository. A version matches as helm's semver match does: a leading "v" and
// build metadata (+…) aside.
import YAML from 'yaml';
import type { RealityResult } from '#contract/images.js';
import { isStandIn } from '../stack/test-hooks.js';
import { type NetworkFailure, describeFetchError, retryAt } from './registry-client.js';

export const INDEX_TIMEOUT_MS = 30_000;

export interface ChartSpec {
  /** The chart in the repository (strimzi-kafka-operator). */
  chart: string;
  version: string;
  /** The repository the install pulls from. */
  repository: string;
  /** The archive digest the plan pins (sha256:<hex> or sha512:<hex>), when it pins one. */
  digest?: string;
}

export interface ChartAnswer {
  result: RealityResult;
  reason: string;
  digest?: string;
  status?: number;
  retryAt?: number;
  network?: NetworkFailure;
}

interface IndexEntry {
  version?: string;
  digest?: string;
}

type IndexRead = { entries: Record<string, IndexEntry[]> } | { answer: ChartAnswer };

const norm = (version: string) => version.replace(/^v/, '').replace(/\+.*$/, '');
const bareDigest = (digest: string) => digest.replace(/^sha256:/, '').toLowerCase();

export function indexUrl(repository: string): string {
  return `${repository.replace(/\/?$/, '/')}index.yaml`;
}

export class ChartRepoClient {
  readonly #indexes = new Map<string, Promise<IndexRead>>();
  readonly #now: () => number;
  readonly #timeoutMs: number;

  constructor(options: { now?: () => number; timeoutMs?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? INDEX_TIMEOUT_MS;
  }

  /** Never throws: every failure is an answer. */
  async check(spec: ChartSpec): Promise<ChartAnswer> {
    let read = this.#indexes.get(spec.repository);
    if (!read) this.#indexes.set(spec.repository, (read = this.#read(spec.repository)));
    const index = await read;
    if ('answer' in index) return index.answer;
    const versions = index.entries[spec.chart];
    const where = `the index of ${spec.repository}`;
    if (!versions?.length) return { result: 'not-found', reason: `${where} has no chart named ${spec.chart}` };
    const entry = versions.find((candidate) => candidate.version && norm(candidate.version) === norm(spec.version));
    if (!entry) {
      const newest = versions.map((candidate) => candidate.version).find(Boolean);
      return { result: 'not-found', reason: `${where} has no ${spec.chart} ${spec.version}${newest ? ` (its newest is ${newest})` : ''}` };
    }
    const digest = entry.digest ? `sha256:${bareDigest(entry.digest)}` : undefined;
    const found = `${where} has ${spec.chart} ${entry.version}`;
    const pinned = spec.digest?.replace(/^sha256:/, '');
    // A FAKE stand-in is another archive than the real chart the plan pins; tests allow it to be installed.
    if (entry.version && isStandIn(entry.version))
      return { result: 'found', reason: `${found} (a FAKE stand-in: the pinned digest is not compared)`, ...(digest ? { digest } : {}) };
    // The index records sha256 only: a sha512 pin is checked on the archive when the install pulls it.
    if (pinned?.startsWith('sha512:'))
      return {
        result: 'found',
        reason: `${found} (the pinned sha512 digest is checked on the archive when it is pulled)`,
        ...(digest ? { digest } : {}),
      };
    if (pinned && (!entry.digest || pinned.toLowerCase() !== bareDigest(entry.digest)))
      return {
        result: 'digest-differs',
        reason: `${spec.chart} ${entry.version} in ${where} has digest ${digest ?? '(none)'}, the plan pins sha256:${pinned}`,
        ...(digest ? { digest } : {}),
      };
    return { result: 'found', reason: `${found}${pinned ? ' with the pinned digest' : ''}`, ...(digest ? { digest } : {}) };
  }

  async #read(repository: string): Promise<IndexRead> {
    const url = indexUrl(repository);
    let host: string;
    try {
      const parsed = new URL(url);
      host = parsed.host;
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
        return { answer: { result: 'error', reason: `${repository}: only http(s) chart repositories are checked` } };
    } catch {
      return { answer: { result: 'invalid', reason: `${repository} is not a URL` } };
    }
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      return { answer: { result: 'unreachable', ...describeFetchError(error, host, this.#timeoutMs) } };
    }
    const status = response.status;
    const said = `${url} answered ${status} ${response.statusText}`.trim();
    if (status === 404) return { answer: { result: 'not-found', status, reason: `${said}: not a chart repository (or moved)` } };
    if (status === 401 || status === 403) return { answer: { result: 'unauthorized', status, reason: said } };
    if (status === 429) {
      const at = retryAt(response.headers, this.#now());
      return {
        answer: {
          result: 'rate-limited',
          status,
          reason: `${said}${at ? `; try again after ${new Date(at).toISOString()}` : ''}`,
          ...(at ? { retryAt: at } : {}),
        },
      };
    }
    if (!response.ok) return { answer: { result: status >= 500 ? 'unreachable' : 'error', status, reason: said } };
    try {
      const text = await response.text();
      const index = YAML.parse(text, { maxAliasCount: -1 }) as { entries?: Record<string, IndexEntry[]> } | null;
      if (!index?.entries || typeof index.entries !== 'object')
        return { answer: { result: 'error', status, reason: `${url} is not a Helm repository index (no entries)` } };
      return { entries: index.entries };
    } catch (error) {
      const failure = describeFetchError(error, host, this.#timeoutMs);
      return failure.network === 'other'
        ? {
            answer: { result: 'error', status, reason: `${url} could not be read as an index: ${(error as Error).message.split('\n')[0]}` },
          }
        : { answer: { result: 'unreachable', ...failure } };
    }
  }
}
