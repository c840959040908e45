// Asks a registry whether an image can be pulled, the way a container runtime starts a pull, without
// downloading anything: `HEAD /v2/<name>/manifests/<reference>` accepting the OCI index/manifest and
// Docker manifest list/v2 types (OCI Distribution Spec, "Pulling manifests": 200 with
// Docker-Content-Digest, 404 when unknown). A 401 names how to authenticate in WWW-Authenticate:
// Bearer → a token from its realm for service and scope (anonymous, or with Basic credentials from the
// Docker config; the answer's `token` or `access_token`), then the HEAD again (Docker's Token
// Authentication Specification, distribution docs/content/spec/auth/token.md); Basic (a registry
// behind htpasswd) → the HEAD again with the credentials. Docker Hub counts a GET of a manifest as a
// pull but not a HEAD, and answers both with its quota in `ratelimit-limit`/`ratelimit-remaining`
// (`100;w=21600`); over it, 429 (Docker Hub docs, "Pull usage and limits"). Loopback registries are
// spoken to over plain HTTP, as dockerd treats 127.0.0.0/8 and ::1 as insecure by default.
import type { RateLimit, RealityResult } from '#contract/images.js';
import type { CredentialSource, Credentials } from './docker-config.js';
import type { ImageRef } from './reference.js';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Why a registry could not be asked, for the fix: the name, the connection, TLS, or no answer in time. */
export type NetworkFailure = 'dns' | 'refused' | 'tls' | 'timeout' | 'other';

export interface Probe {
  result: RealityResult;
  /** What was answered, in one line (never a credential). */
  reason: string;
  digest?: string;
  status?: number;
  retryAt?: number;
  rateLimit?: RateLimit;
  /** Credentials from the Docker config were offered. */
  authenticated: boolean;
  /** Set when the registry was unreachable. */
  network?: NetworkFailure;
}

export interface RegistryClientOptions {
  credentials: CredentialSource;
  /** The clock Retry-After is counted from. */
  now?: () => number;
  /** Per request. */
  timeoutMs?: number;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN_CHAR = "[A-Za-z0-9!#$%&'*+.^_`|~-]";
const PARAM = new RegExp(`\\s*(${TOKEN_CHAR}+)\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|[^,\\s]*)\\s*,?`, 'y');
const SCHEME = new RegExp(`\\s*(${TOKEN_CHAR}+)\\s*,?`, 'y');

/** The challenges of a WWW-Authenticate header (RFC 7235: `Scheme k="v", k2=v2, Scheme2 …`). */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let at = 0;
  while (at < header.length) {
    PARAM.lastIndex = at;
    const param = PARAM.exec(header);
    if (param && challenges.length > 0) {
      const raw = param[2]!;
      challenges.at(-1)!.params[param[1]!.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
      at = PARAM.lastIndex;
      continue;
    }
    SCHEME.lastIndex = at;
    const scheme = SCHEME.exec(header);
    if (!scheme) break;
    challenges.push({ scheme: scheme[1]!.toLowerCase(), params: {} });
    at = SCHEME.lastIndex;
  }
  return challenges;
}

/** Docker Hub's quota headers (`100;w=21600`), when present. */
export function parseRateLimit(headers: Headers): RateLimit | undefined {
  const limit = headers.get('ratelimit-limit');
  const remaining = headers.get('ratelimit-remaining');
  if (!limit || !remaining) return undefined;
  const count = (value: string) => Number(value.split(';')[0]);
  const window = /;\s*w=(\d+)/.exec(limit)?.[1];
  if (!Number.isFinite(count(limit)) || !Number.isFinite(count(remaining))) return undefined;
  return { limit: count(limit), remaining: count(remaining), windowSeconds: window ? Number(window) : null };
}

/** Retry-After as an instant: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAt(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return now + Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? date : undefined;
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Loopback hosts (localhost, 127.0.0.0/8, ::1) with or without a port. */
export function isLoopback(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export function registryBase(host: string): string {
  return `${isLoopback(host) ? 'http' : 'https'}://${host}`;
}

/** A failed fetch as one line and its kind (undici puts the system error in `cause`). */
export function describeFetchError(error: unknown, host: string, timeoutMs: number): { reason: string; network: NetworkFailure } {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError')
    return {
      reason: `${host} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`,
      network: 'timeout',
    };
  const code = err.cause?.code ?? '';
  const detail = err.cause?.message ?? err.message;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { reason: `cannot resolve ${host.replace(/:\d+$/, '')} (${code})`, network: 'dns' };
  if (code === 'ECONNREFUSED') return { reason: `${host} refused the connection`, network: 'refused' };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { reason: `connecting to ${host} timed out`, network: 'timeout' };
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME_MISMATCH/.test(code) || /certificate|tls|ssl/i.test(detail))
    return { reason: `TLS with ${host} failed: ${detail}`, network: 'tls' };
  return { reason: `${host}: ${detail}${code ? ` (${code})` : ''}`, network: 'other' };
}

export class RegistryClient {
  readonly #credentials: CredentialSource;
  readonly #now: () => number;
  readonly #timeoutMs: number;

  constructor(options: RegistryClientOptions) {
    this.#credentials = options.credentials;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** HEADs the image's manifest, authenticating as the registry asks; never throws. */
  async probe(ref: ImageRef): Promise<Probe> {
    const credentials = this.#credentials.get(ref.domain);
    const authenticated = credentials !== null;
    const url = `${registryBase(ref.host)}/v2/${ref.repository}/manifests/${ref.reference}`;
    try {
      let response = await this.#head(url);
      if (response.status === 401) {
        // A registry that redirects its manifests (registry.k8s.io) is challenged by the host it sent us to:
        // authenticate there, at the URL it answered from, and never hand that host this registry's credentials.
        const challenger = response.url || url;
        const own = new URL(challenger).host === ref.host ? credentials : null;
        const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
        const bearer = challenges.find((challenge) => challenge.scheme === 'bearer' && challenge.params.realm);
        if (bearer) {
          const token = await this.#token(ref, bearer.params, own);
          if ('probe' in token) return token.probe;
          response = await this.#head(challenger, `Bearer ${token.token}`);
        } else if (challenges.some((challenge) => challenge.scheme === 'basic') && own) {
          response = await this.#head(challenger, basic(own));
        }
      }
      return this.#classify(ref, response, authenticated);
    } catch (error) {
      return { result: 'unreachable', authenticated, ...describeFetchError(error, ref.host, this.#timeoutMs) };
    }
  }

  #head(url: string, authorization?: string): Promise<Response> {
    return fetch(url, {
      method: 'HEAD',
      headers: { accept: MANIFEST_MEDIA_TYPES.join(', '), ...(authorization ? { authorization } : {}) },
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
  }

  /** A pull token from the challenge's realm, or the probe that says why there is none. */
  async #token(
    ref: ImageRef,
    params: Record<string, string>,
    credentials: Credentials | null,
  ): Promise<{ token: string } | { probe: Probe }> {
    const authenticated = credentials !== null;
    const url = new URL(params.realm!);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? `repository:${ref.repository}:pull`);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: credentials ? { authorization: basic(credentials) } : {},
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      return { probe: { result: 'unreachable', authenticated, ...describeFetchError(error, url.host, this.#timeoutMs) } };
    }
    const who = authenticated ? `the credentials for ${ref.domain} in the Docker config` : 'anonymous access';
    if (response.status === 401 || response.status === 403)
      return {
        probe: {
          result: 'unauthorized',
          status: response.status,
          authenticated,
          reason: `the token service ${url.host} refused ${who} to ${ref.repository} (${response.status})`,
        },
      };
    if (response.status === 429) return { probe: this.#rateLimited(response, authenticated, `the token service ${url.host}`) };
    if (!response.ok)
      return {
        probe: {
          result: response.status >= 500 ? 'unreachable' : 'error',
          status: response.status,
          authenticated,
          reason: `the token service ${url.host} answered ${response.status} ${response.statusText}`.trim(),
        },
      };
    const body = (await response.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token)
      return {
        probe: {
          result: 'error',
          status: response.status,
          authenticated,
          reason: `the token service ${url.host} answered without a token`,
        },
      };
    return { token };
  }

  #rateLimited(response: Response, authenticated: boolean, who: string): Probe {
    const rateLimit = parseRateLimit(response.headers);
    const at = retryAt(response.headers, this.#now());
    const quota = rateLimit
      ? `: ${rateLimit.remaining} of ${rateLimit.limit} pulls left${rateLimit.windowSeconds ? ` in a ${formatWindow(rateLimit.windowSeconds)} window` : ''}`
      : '';
    const when = at ? `; try again after ${new Date(at).toISOString()}` : '';
    return {
      result: 'rate-limited',
      status: 429,
      authenticated,
      reason: `${who} rate-limits ${authenticated ? 'these credentials' : 'anonymous pulls from this address'}${quota}${when}`,
      ...(at ? { retryAt: at } : {}),
      ...(rateLimit ? { rateLimit } : {}),
    };
  }

  #classify(ref: ImageRef, response: Response, authenticated: boolean): Probe {
    const status = response.status;
    const rateLimit = parseRateLimit(response.headers);
    const name = `${ref.repository}:${ref.reference}`;
    if (status === 200) {
      const digest = response.headers.get('docker-content-digest') ?? ref.digest;
      return {
        result: 'found',
        status,
        authenticated,
        reason: `${ref.domain} has ${name}${response.headers.get('content-type') ? ` (${response.headers.get('content-type')})` : ''}`,
        ...(digest ? { digest } : {}),
        ...(rateLimit ? { rateLimit } : {}),
      };
    }
    if (status === 404) return { result: 'not-found', status, authenticated, reason: `${ref.domain} has no ${name} (404)` };
    if (status === 401 || status === 403) {
      const helper = authenticated ? null : this.#credentials.helper(ref.domain);
      const why = authenticated
        ? `${ref.domain} refused the credentials in the Docker config for ${ref.repository}`
        : `${ref.domain} refused anonymous access to ${ref.repository}: it is private, or it does not exist (registries answer both alike)`;
      return {
        result: 'unauthorized',
        status,
        authenticated,
        reason: `${why} (${status})${helper ? `; its credentials are in the "${helper}" credential helper, which the app does not read` : ''}`,
      };
    }
    if (status === 429) return this.#rateLimited(response, authenticated, ref.domain);
    if (status >= 500)
      return { result: 'unreachable', status, authenticated, reason: `${ref.domain} answered ${status} ${response.statusText}`.trim() };
    return { result: 'error', status, authenticated, reason: `${ref.domain} answered ${status} ${response.statusText} for ${name}`.trim() };
  }
}

function formatWindow(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}
