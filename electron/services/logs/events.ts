// Built-in templates and the generator's event factory: level and service drawn from weights, a
// realistic message per service and level, error bursts, and the run id + sequence number that let
// a receiver count exactly what arrived.
import type { GeneratorSpec, LogEvent, LogTemplate } from '#contract/logs.js';

export const BUILTIN_TEMPLATES: LogTemplate[] = [
  {
    name: 'payment-timeout',
    description: 'The seed’s test log (step 7): a payment failing on a timeout',
    event: { message: 'Payment failed: timeout', level: 'ERROR', service: 'payment-api' },
    builtin: true,
  },
  {
    name: 'checkout-order',
    description: 'An order placed, with business fields',
    event: {
      message: 'Order 18734 placed',
      level: 'INFO',
      service: 'checkout',
      order_id: '18734',
      amount: 42.5,
      currency: 'EUR',
      user_id: 'u-1029',
    },
    builtin: true,
  },
  {
    name: 'auth-login-failed',
    description: 'A failed login (a security signal)',
    event: {
      message: 'Login failed for user alice: invalid password',
      level: 'WARN',
      service: 'auth',
      user: 'alice',
      client_ip: '203.0.113.7',
      attempt: 3,
    },
    builtin: true,
  },
  {
    name: 'http-access',
    description: 'An access log line from the API gateway',
    event: {
      message: 'GET /api/v1/cart 200 35ms',
      level: 'INFO',
      service: 'api-gateway',
      http: { method: 'GET', path: '/api/v1/cart', status: 200, duration_ms: 35, user_agent: 'Mozilla/5.0' },
    },
    builtin: true,
  },
  {
    name: 'db-slow-query',
    description: 'A slow database query',
    event: {
      message: 'Slow query took 2412 ms on table orders',
      level: 'WARN',
      service: 'inventory',
      db: { system: 'postgresql', table: 'orders', duration_ms: 2412 },
    },
    builtin: true,
  },
  {
    name: 'java-exception',
    description: 'An error with a multi-line stack trace',
    event: {
      message: 'Unhandled exception in request /api/v1/refund',
      level: 'ERROR',
      service: 'refund-service',
      error: {
        type: 'java.lang.NullPointerException',
        stack_trace:
          'java.lang.NullPointerException: Cannot invoke "Refund.amount()" because "refund" is null\n\tat com.acme.refund.RefundController.create(RefundController.java:88)\n\tat com.acme.http.Router.dispatch(Router.java:142)',
      },
    },
    builtin: true,
  },
  {
    name: 'pod-oomkilled',
    description: 'A container killed for memory, with Kubernetes metadata',
    event: {
      message: 'Container ml-engine was OOMKilled (limit 2Gi)',
      level: 'ERROR',
      service: 'ml-engine',
      kubernetes: { namespace: 'logclaw-dev-local', pod_name: 'logclaw-ml-engine-dev-local-7d9f8b6c5-x2x4q', container_name: 'ml-engine' },
    },
    builtin: true,
  },
];

const MESSAGES: Record<string, string[]> = {
  ERROR: [
    'Payment failed: timeout',
    'Upstream returned 502 Bad Gateway',
    'Database connection pool exhausted',
    'Unhandled exception in request handler',
    'Circuit breaker open for downstream',
  ],
  WARN: [
    'Slow response: 1840 ms',
    'Retrying request (attempt 2 of 3)',
    'Cache miss ratio above 40%',
    'Certificate expires in 14 days',
    'Queue depth above threshold',
  ],
  INFO: ['Request completed', 'Order placed', 'User logged in', 'Cache refreshed', 'Health check passed'],
  DEBUG: ['Cache lookup', 'Parsed request headers', 'Feature flag evaluated', 'Span exported', 'Connection reused from pool'],
};

/** Picks keys by weight from a precomputed cumulative table. */
export function weightedPicker(weights: Record<string, number>, random: () => number = Math.random): () => string {
  const entries = Object.entries(weights).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const cumulative: Array<[string, number]> = [];
  let running = 0;
  for (const [key, weight] of entries) cumulative.push([key, (running += weight / total)]);
  return () => {
    const r = random();
    for (const [key, upTo] of cumulative) if (r < upTo) return key;
    return cumulative[cumulative.length - 1]![0];
  };
}

export interface EventFactory {
  /** The event number `seq` (0-based) made at `tMs` after the start. */
  make(seq: number, tMs: number, now: number): LogEvent;
}

export function eventFactory(
  spec: Pick<GeneratorSpec, 'template' | 'levels' | 'services' | 'errorBurst'>,
  runId: string,
  random: () => number = Math.random,
): EventFactory {
  const level = weightedPicker(spec.levels, random);
  const service = weightedPicker(spec.services, random);
  // An incident hits one service: the most frequent one.
  const burstService = Object.entries(spec.services).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'payment-api';
  const { template } = spec;
  const fixedMessage = typeof template.message === 'string' ? template.message : null;
  // Events of one batch share a millisecond: format it once.
  let stampedAt = Number.NaN;
  let stamp = '';
  return {
    make(seq, tMs, now) {
      if (now !== stampedAt) {
        stampedAt = now;
        stamp = new Date(now).toISOString();
      }
      const inBurst = spec.errorBurst !== null && (tMs / 1000) % spec.errorBurst.everyS < spec.errorBurst.lengthS;
      const lvl = inBurst ? 'ERROR' : level();
      const svc = inBurst ? burstService : service();
      const pool = MESSAGES[lvl] ?? MESSAGES.INFO!;
      return {
        ...template,
        timestamp: stamp,
        level: lvl,
        service: svc,
        message: inBurst ? 'Payment failed: timeout' : (fixedMessage ?? pool[seq % pool.length]!),
        logclaw_run: runId,
        seq,
      };
    },
  };
}
