// OpenSearch client failures → coded AppErrors with OpenSearch's own reason (and the position in the
// query when it gives one). Details are rebuilt from the response body only: the client's `meta`
// carries request headers (Authorization) and must never reach a log or the UI.
// The client's error classes alone (the same module its Client throws from): the Client itself is
// imported when a search first needs one (search-service.ts), not when the backend starts.
import * as errors from '@opensearch-project/opensearch/lib/errors.js';
import { AppError } from '#contract/index.js';

export interface Cause {
  type: string;
  reason: string;
}

export interface QueryErrorDetail {
  status: number;
  type: string;
  reason: string;
  /** The chain of causes, outermost first (first line of each reason). */
  causes: Cause[];
  /** 1-based position in the text OpenSearch parsed: the DSL body, or the query string. */
  line?: number;
  col?: number;
  /** What `line`/`col` refer to. */
  positionIn?: 'body' | 'query';
  index?: string;
}

type ErrorBody = {
  type?: string;
  reason?: string;
  line?: number;
  col?: number;
  index?: string;
  root_cause?: ErrorBody[];
  caused_by?: ErrorBody;
  failed_shards?: Array<{ reason?: ErrorBody; index?: string }>;
};

export interface Where {
  /** The URL without credentials. */
  url: string;
  /** What was being done, e.g. "search logclaw-logs-*". */
  action: string;
  https: boolean;
  /** The tenant whose forward the hint names (namespace logclaw-<tenant>). */
  tenant?: string;
}

/** Hint for an unreachable OpenSearch: the stack's forward, or another URL. */
export function unreachableHint(tenant = '<tenant>'): string {
  return `Start the OpenSearch forward (Forwards, or \`kubectl -n logclaw-${tenant} port-forward svc/logclaw-opensearch-${tenant} 9200:9200\`) or set another URL (Search → Connection, or --opensearch-url).`;
}

export function toAppError(error: unknown, where: Where): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof errors.ResponseError) return fromResponse(error, where);
  if (error instanceof errors.TimeoutError) {
    return new AppError('TIMEOUT', `OpenSearch at ${where.url} did not answer in time (${where.action})`, {
      hint: 'The cluster may be overloaded or the forward stalled; retry, or narrow the query (time range, size).',
    });
  }
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) {
    return fromConnection(error.message, where);
  }
  if (error instanceof errors.DeserializationError) {
    return new AppError('OPENSEARCH_UNREACHABLE', `${where.url} did not answer like OpenSearch (${where.action})`, {
      hint: 'Check the URL: it should be the OpenSearch HTTP API (port 9200), not Dashboards.',
      detail: { reason: error.message },
    });
  }
  if (error instanceof errors.RequestAbortedError) return new AppError('CANCELLED', `Cancelled: ${where.action}`);
  return new AppError('INTERNAL', `OpenSearch request failed (${where.action}): ${(error as Error)?.message ?? String(error)}`);
}

const TLS_PROBLEM = /certificate|self[- ]signed|CERT_|unable to verify|altnames|SSL|TLS|EPROTO|wrong version number/i;

function fromConnection(message: string, where: Where): AppError {
  const detail = { reason: message };
  if (/wrong version number|EPROTO|packet length too long/i.test(message) && where.https) {
    return new AppError('OPENSEARCH_UNREACHABLE', `TLS handshake with ${where.url} failed: the server does not speak HTTPS (${message})`, {
      hint: 'The cluster serves plain HTTP here: use an http:// URL.',
      detail,
    });
  }
  if (TLS_PROBLEM.test(message)) {
    return new AppError('OPENSEARCH_UNREACHABLE', `TLS to ${where.url} failed: ${message}`, {
      hint: 'Set the CA file of the cluster (--opensearch-ca, or the connection form) or, for a dev cluster, allow insecure TLS.',
      detail,
    });
  }
  if (/socket hang up|ECONNRESET/i.test(message) && !where.https) {
    return new AppError('OPENSEARCH_UNREACHABLE', `OpenSearch at ${where.url} closed the connection (${message})`, {
      hint: 'If the cluster uses TLS (the operator enables it by default), use an https:// URL.',
      detail,
    });
  }
  return new AppError('OPENSEARCH_UNREACHABLE', `OpenSearch at ${where.url} is not reachable (${message})`, {
    hint: unreachableHint(where.tenant),
    detail,
  });
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.trim();
}

/** Walks root_cause, the first failed shard and caused_by into one chain, outermost first. */
function causeChain(body: ErrorBody): ErrorBody[] {
  const chain: ErrorBody[] = [body];
  let next: ErrorBody | undefined = body.failed_shards?.[0]?.reason ?? body.caused_by;
  const seen = new Set<string>([`${body.type}|${body.reason}`]);
  while (next && chain.length < 12) {
    const key = `${next.type}|${next.reason}`;
    if (!seen.has(key)) {
      chain.push(next);
      seen.add(key);
    }
    next = next.caused_by;
  }
  return chain;
}

function fromResponse(error: InstanceType<typeof errors.ResponseError>, where: Where): AppError {
  const status = error.meta?.statusCode ?? 0;
  const raw = error.meta?.body as { error?: ErrorBody | string; status?: number } | string | undefined;
  const body: ErrorBody =
    raw && typeof raw === 'object' && raw.error && typeof raw.error === 'object'
      ? raw.error
      : {
          type: `http_${status}`,
          reason: typeof raw === 'string' ? firstLine(raw).slice(0, 300) : typeof raw?.error === 'string' ? raw.error : `HTTP ${status}`,
        };
  const chain = causeChain(body);
  const root = body.root_cause?.[0] ?? body;
  const deepest = chain[chain.length - 1]!;
  const causes = chain.map((cause) => ({ type: cause.type ?? 'unknown', reason: firstLine(cause.reason) }));
  const rootReason = firstLine(root.reason) || firstLine(body.reason) || `HTTP ${status}`;
  const deepReason = firstLine(deepest.reason);
  const reason = deepReason && deepReason !== rootReason && !rootReason.includes(deepReason) ? `${rootReason}: ${deepReason}` : rootReason;

  if (status === 401) {
    return new AppError('OPENSEARCH_UNREACHABLE', `OpenSearch at ${where.url} refused the credentials (401)`, {
      hint: 'Check the user and password of the connection (the dev stack uses admin/admin; see the opensearch-admin-credentials secret).',
      detail: { status, type: body.type, reason: firstLine(body.reason) },
    });
  }
  if (status === 403) {
    return new AppError('FORBIDDEN', `OpenSearch refused ${where.action}: ${reason}`, {
      hint: 'The connection’s user lacks the permission; use a user with access to these indices.',
      detail: { status, type: body.type, reason, causes },
    });
  }
  if (status === 404 && chain.some((cause) => cause.type === 'index_not_found_exception')) {
    return new AppError('NOT_FOUND', `OpenSearch: ${rootReason}`, {
      hint: 'Check the index name, or use a pattern such as logclaw-logs-* (patterns that match nothing return no hits).',
      detail: { status, type: root.type, reason: rootReason, causes, index: root.index },
    });
  }
  if (status === 400 || status === 404) {
    const detail: QueryErrorDetail = { status, type: root.type ?? body.type ?? 'unknown', reason, causes };
    const positioned =
      chain.find((cause) => typeof cause.line === 'number' && typeof cause.col === 'number') ??
      (typeof root.line === 'number' ? root : undefined);
    if (positioned) {
      detail.line = positioned.line;
      detail.col = positioned.col;
      detail.positionIn = 'body';
    } else {
      // query_string parse errors name the position inside the query text: "at line 1, column 7".
      const match = /at line (\d+), column (\d+)/.exec(chain.map((cause) => cause.reason ?? '').join('\n'));
      if (match) {
        detail.line = Number(match[1]);
        detail.col = Number(match[2]);
        detail.positionIn = 'query';
      }
    }
    if (root.index) detail.index = root.index;
    const at =
      detail.line !== undefined && !reason.includes(`line ${detail.line}, column ${detail.col}`)
        ? ` (line ${detail.line}, column ${detail.col})`
        : '';
    return new AppError('QUERY_INVALID', `OpenSearch rejected the query: ${reason}${at}`, {
      hint: hintFor(detail),
      detail,
    });
  }
  return new AppError('OPENSEARCH_UNREACHABLE', `OpenSearch failed (${status}) during ${where.action}: ${reason}`, {
    hint:
      status === 429
        ? 'The cluster is rejecting work (too many requests); retry in a moment.'
        : 'Check the cluster health (Search → Cluster) and the OpenSearch pod logs.',
    detail: { status, type: body.type, reason, causes },
  });
}

function hintFor(detail: QueryErrorDetail): string {
  const text = detail.causes.map((cause) => cause.reason).join(' ');
  if (/Text fields are not optimised/i.test(text))
    return 'Sort and aggregate on a keyword field (e.g. message.keyword), not on a text field.';
  if (/No mapping found for \[(.+?)\] in order to sort/i.test(text))
    return 'The sort field is not in the mapping of these indices; pick another sort field.';
  if (detail.positionIn === 'query')
    return 'Fix the query-string syntax at that position (quote phrases, close parentheses, escape special characters).';
  if (detail.positionIn === 'body') return 'Fix the request body at that position; see the OpenSearch query DSL reference.';
  return 'Fix the query and run it again.';
}
