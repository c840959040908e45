// POSTs bodies to Vector's `http_server` source over keep-alive connections, and says what happened
// in words the generator's accounting uses: accepted (2xx), or failed with a reason (http_503,
// connection_refused, connection_reset, timeout, …) and whether trying again may help.
import http from 'node:http';
import https from 'node:https';
import { shellWords } from '#contract/command.js';
import { AppError } from '#contract/errors.js';

export type PostOutcome =
  | { ok: true; status: number; latencyMs: number }
  | { ok: false; reason: string; retryable: boolean; status: number | null; message: string; latencyMs: number };

export type BodyFormat = 'ndjson' | 'json';

const CONTENT_TYPE: Record<BodyFormat, string> = { ndjson: 'application/x-ndjson', json: 'application/json' };

export class VectorClient {
  readonly url: URL;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;

  constructor(url: string, options: { maxSockets?: number } = {}) {
    this.url = new URL(url);
    const secure = this.url.protocol === 'https:';
    const agentOptions = { keepAlive: true, keepAliveMsecs: 1_000, maxSockets: options.maxSockets ?? 16, scheduling: 'lifo' as const };
    this.#agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.#request = secure ? https.request : http.request;
  }

  /** One POST; never throws: every failure is an outcome with a reason. */
  post(body: string | Buffer, format: BodyFormat, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<PostOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: PostOutcome) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const request = this.#request(
        this.url,
        {
          method: 'POST',
          agent: this.#agent,
          headers: { 'Content-Type': CONTENT_TYPE[format], 'Content-Length': Buffer.byteLength(body) },
          timeout: options.timeoutMs ?? 10_000,
          signal: options.signal,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (text.length < 2_000) text += chunk;
          });
          response.on('error', (error) => finish(networkFailure(error, elapsed())));
          response.on('end', () => {
            if (status >= 200 && status < 300) finish({ ok: true, status, latencyMs: elapsed() });
            else {
              const retryable = status >= 500 || status === 429 || status === 408;
              finish({
                ok: false,
                reason: `http_${status}`,
                retryable,
                status,
                message: `HTTP ${status}${text.trim() ? `: ${text.trim().slice(0, 300)}` : ''}`,
                latencyMs: elapsed(),
              });
            }
          });
        },
      );
      request.on('timeout', () => {
        request.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`), { code: 'ETIMEDOUT' }));
      });
      request.on('error', (error) => finish(networkFailure(error, elapsed())));
      request.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function networkFailure(error: Error & { code?: string }, latencyMs: number): PostOutcome {
  const code = error.code ?? '';
  const reason =
    error.name === 'AbortError' || code === 'ABORT_ERR'
      ? 'stopped'
      : code === 'ECONNREFUSED'
        ? 'connection_refused'
        : code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(error.message)
          ? 'connection_reset'
          : code === 'ETIMEDOUT'
            ? 'timeout'
            : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
              ? 'dns_error'
              : 'network_error';
  return {
    ok: false,
    reason,
    retryable: reason !== 'stopped',
    status: null,
    message: `${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}`,
    latencyMs,
  };
}

/** A failed single send as a coded error a person can act on. */
export function outcomeError(url: string, outcome: Extract<PostOutcome, { ok: false }>, via: string): AppError {
  if (outcome.status === null) {
    return new AppError('VECTOR_UNREACHABLE', `Vector at ${url} is not reachable: ${outcome.message}`, {
      hint:
        via === 'forward'
          ? "The stack's vector forward is down: start it in Forwards (or `kubectl port-forward svc/logclaw-ingestion-<tenant> 18080:8080`), or give another URL with --vector-url."
          : 'Check the URL and that Vector (or its port-forward) is running; the stack forward is 127.0.0.1:18080.',
      detail: { reason: outcome.reason },
    });
  }
  return new AppError('VECTOR_FAILED', `Vector at ${url} answered ${outcome.message}`, {
    hint:
      outcome.status === 400
        ? "Vector could not decode the body: send a JSON object or array (NDJSON needs the source's framing newline_delimited)."
        : outcome.status >= 500
          ? "Vector could not write the event (its Kafka or OpenSearch sink may be down): see the receiver's logs."
          : 'See the answer for the reason.',
    detail: { status: outcome.status, reason: outcome.reason },
  });
}

/** The request as a curl command. */
export function curlFor(url: string, body: string, format: BodyFormat): string {
  const shown = body.length > 2_000 ? `${body.slice(0, 2_000)}…` : body;
  return shellWords(['curl', '-sS', '-X', 'POST', url, '-H', `Content-Type: ${CONTENT_TYPE[format]}`, '-d', shown]);
}
