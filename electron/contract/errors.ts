// Errors cross every transport as data. The code list is closed: the UI and the CLI branch on it.
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'UNKNOWN_CHANNEL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CANCELLED',
  'TIMEOUT',
  'TOOL_NOT_FOUND',
  'TOOL_FAILED',
  'DOCKER_NOT_RUNNING',
  'HELM_FAILED',
  'KUBE_UNREACHABLE',
  'KUBE_CONFIG_INVALID',
  'PORT_IN_USE',
  'KAFKA_UNREACHABLE',
  /** The broker answered but refused (not a bad input, not unreachable). */
  'KAFKA_FAILED',
  'OPENSEARCH_UNREACHABLE',
  'QUERY_INVALID',
  'SETTINGS_INVALID',
  'DOWNLOAD_FAILED',
  'HASH_MISMATCH',
  'JOB_NOT_FOUND',
  'JOB_BUSY',
  /** A preflight check failed before the stack install created anything. */
  'PREFLIGHT_FAILED',
  /** Vector's HTTP source (or its forward) did not answer. */
  'VECTOR_UNREACHABLE',
  /** Vector answered, but not with 2xx (decode error, sink down). */
  'VECTOR_FAILED',
  /** A node cannot pull an image and retrying will not help (no such tag, access denied, bad name). */
  'IMAGE_PULL_FAILED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** What the person can do about it, in one line. */
  hint?: string;
  /** Full text for "copy details": stderr tails, validation issues, upstream reasons. */
  detail?: unknown;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly detail?: unknown;

  constructor(code: ErrorCode, message: string, options: { hint?: string; detail?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = options.hint;
    this.detail = options.detail;
  }

  toPayload(): ErrorPayload {
    const payload: ErrorPayload = { code: this.code, message: this.message };
    if (this.hint !== undefined) payload.hint = this.hint;
    if (this.detail !== undefined) payload.detail = this.detail;
    return payload;
  }

  static fromPayload(payload: ErrorPayload): AppError {
    const code = isErrorCode(payload.code) ? payload.code : 'INTERNAL';
    return new AppError(code, payload.message, { hint: payload.hint, detail: payload.detail });
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Anything thrown becomes a payload; unknown errors are INTERNAL and keep their message. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof AppError) return error.toPayload();
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message, detail: error.stack };
  return { code: 'INTERNAL', message: String(error) };
}

export function ok<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function fail(error: unknown): Envelope<never> {
  return { ok: false, error: toErrorPayload(error) };
}

/** Unwraps an envelope on the calling side, rebuilding a typed AppError. */
export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw AppError.fromPayload(envelope.error);
}
