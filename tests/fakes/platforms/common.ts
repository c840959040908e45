// Shared plumbing of the FAKE incident platforms: an HTTP server on 127.0.0.1 that records every
// request, checks it with the platform's own rules (each fake's `handle`) and answers like the
// platform, with faults on demand: the next n requests answered 429 with Retry-After or 5xx, or
// the whole platform down. What a request got wrong is kept in `violations` (and answered 400 the
// way the platform would), so a test can assert the agent sent only valid requests.
import { type IncomingHttpHeaders, type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  raw: string;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakePlatform {
  name: string;
  url: string;
  port: number;
  requests: FakeRequest[];
  violations: string[];
  /** The next `times` requests get this answer instead (e.g. 429 with Retry-After, 503). */
  failNext(times: number, fault: Fault): void;
  /** Every request gets this answer until called with null. */
  down(fault: Fault | null): void;
  /**
   * Requests matching `filter` are carried out (the platform's state changes) but never answered,
   * like a platform whose answer is lost; resolves when the first one is held.
   */
  holdAnswers(filter: (request: FakeRequest) => boolean): Promise<FakeRequest>;
  /** Answers again (connections already held stay unanswered). */
  stopHolding(): void;
  /** Resolves when `count` requests have arrived (faulted ones included). */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Checks collected by a fake's handler: each failed check is a violation. */
export class Checks {
  readonly failed: string[] = [];
  that(ok: unknown, message: string): boolean {
    if (!ok) this.failed.push(message);
    return Boolean(ok);
  }
  /** Flags properties the platform's schema does not define. */
  known(value: unknown, where: string, allowed: readonly string[]): void {
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) this.that(allowed.includes(key), `${where}: unknown property ${key}`);
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const isString = (value: unknown): value is string => typeof value === 'string';

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startFakePlatform(
  name: string,
  handle: (request: FakeRequest, checks: Checks) => FakeAnswer,
  /** The answer the platform gives to a request that breaks its rules. */
  invalid: (problems: string[]) => FakeAnswer,
): Promise<FakePlatform> {
  const requests: FakeRequest[] = [];
  const violations: string[] = [];
  const faults: Fault[] = [];
  let outage: Fault | null = null;
  let hold: { filter: (request: FakeRequest) => boolean; resolve: (request: FakeRequest) => void } | null = null;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((incoming, response) => {
    void read(incoming).then((raw) => {
      const url = new URL(incoming.url ?? '/', 'http://fake');
      let body: unknown = undefined;
      const checks = new Checks();
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          checks.that(false, 'the body is not JSON');
        }
      }
      const request: FakeRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body,
        raw,
      };
      requests.push(request);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const fault = outage ?? faults.shift();
      let answer: FakeAnswer;
      if (fault) answer = { status: fault.status, headers: fault.headers, body: fault.body ?? { error: 'FAKE fault' } };
      else {
        if (raw && incoming.method !== 'GET')
          checks.that(/^application\/json/.test(incoming.headers['content-type'] ?? ''), 'content-type is not application/json');
        answer = checks.failed.length ? invalid(checks.failed) : handle(request, checks);
        if (checks.failed.length) {
          violations.push(...checks.failed.map((problem) => `${request.method} ${request.path}: ${problem}`));
          if (answer.status < 400) answer = invalid(checks.failed);
        }
      }
      if (hold?.filter(request) && answer.status < 400) return hold.resolve(request);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      response.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
        ...answer.headers,
      });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    failNext: (times, fault) => faults.push(...Array.from({ length: times }, () => fault)),
    down: (fault) => (outage = fault),
    holdAnswers: (filter) => new Promise((resolve) => (hold = { filter, resolve })),
    stopHolding: () => (hold = null),
    waitForRequests: (count) => (requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
