// Retries of platform calls: exponential backoff with full jitter, or the wait the platform asked for
// in Retry-After (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), on 429, 5xx and network errors.
// The clock is injected so the tests can drive time without waiting.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** Milliseconds to wait per a Retry-After header, or null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // All three HTTP-date forms start with the day name; Date.parse alone would read "-3" as a year.
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** The wait before retry number `retry` (1-based): full jitter over base·2^(retry-1), capped. */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.round(ceiling * random());
}

/** Why an attempt failed, and whether another one may help. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** From Retry-After, when the platform said how long to wait. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

export interface RetryOutcome<T> {
  value?: T;
  error?: AttemptError;
  /** Attempts after the first. */
  retries: number;
}

export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  options: { clock?: Clock; random?: () => number } = {},
): Promise<RetryOutcome<T>> {
  const clock = options.clock ?? systemClock;
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(), retries: n - 1 };
    } catch (caught) {
      const error =
        caught instanceof AttemptError ? caught : new AttemptError(caught instanceof Error ? caught.message : String(caught), true);
      if (!error.retryable || n >= policy.attempts) return { error, retries: n - 1 };
      await clock.sleep(Math.min(policy.maxMs, error.retryAfterMs ?? backoffMs(policy, n, options.random)));
    }
  }
}

/** Turns an HTTP answer into an AttemptError unless it is a success. */
export async function checkResponse(response: Response, clock: Clock = systemClock): Promise<void> {
  if (response.ok) return;
  const body = (await response.text().catch(() => '')).slice(0, 300);
  const retryable = response.status === 429 || response.status >= 500;
  throw new AttemptError(
    `HTTP ${response.status}${body ? `: ${body}` : ''}`,
    retryable,
    retryable ? parseRetryAfter(response.headers.get('retry-after'), clock.now()) : null,
  );
}
