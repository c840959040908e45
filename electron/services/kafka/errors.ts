// kafkajs errors (a chain of causes, protocol error types, connection failures) → coded AppErrors a
// person can act on.
import { AppError } from '#contract/errors.js';

const UNREACHABLE_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
]);
const INVALID_INPUT_TYPES = new Set([
  'TOPIC_ALREADY_EXISTS',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_CONFIG',
  'POLICY_VIOLATION',
  'INVALID_REQUEST',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
]);

function causes(error: unknown): Array<Error & { type?: string; errors?: unknown[] }> {
  const chain: Array<Error & { type?: string; errors?: unknown[] }> = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current);
    const nested = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(nested)) for (const inner of nested) if (inner instanceof Error) chain.push(inner);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** kafkajs errors → coded AppErrors a person can act on. */
export function toAppError(error: unknown, context: { action: string; brokers: string; unmapped: string[] }): AppError {
  if (error instanceof AppError) return error;
  const chain = causes(error);
  const message = chain.at(-1)?.message ?? String(error);
  const protocol = chain.find((e) => typeof e.type === 'string');
  if (protocol?.type && INVALID_INPUT_TYPES.has(protocol.type)) {
    const code = protocol.type === 'UNKNOWN_TOPIC_OR_PARTITION' ? 'NOT_FOUND' : 'INVALID_REQUEST';
    return new AppError(code, `Could not ${context.action}: ${protocol.message}`, {
      hint: hintFor(protocol.type),
      detail: { type: protocol.type },
      cause: error,
    });
  }
  if (protocol?.type?.endsWith('AUTHORIZATION_FAILED')) {
    return new AppError('FORBIDDEN', `Could not ${context.action}: ${protocol.message}`, {
      hint: 'The Kafka listener requires ACLs this client does not have.',
      cause: error,
    });
  }
  if (
    context.unmapped.length ||
    chain.some(
      (e) => UNREACHABLE_ERRORS.has(e.name) || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET/.test(e.message),
    )
  ) {
    const where = context.brokers ? ` at ${context.brokers}` : '';
    const hint = context.unmapped.length
      ? `The cluster advertises ${context.unmapped.join(', ')}, which has no local port-forward; restart the Kafka forwards (Forwards pane).`
      : 'Check the broker address (--kafka-brokers host:port, or the connection in the Kafka pane) and that the broker or its port-forward is running.';
    return new AppError('KAFKA_UNREACHABLE', `Kafka${where} is not reachable (${context.action}): ${message}`, {
      hint,
      detail: chain.map((e) => `${e.name}: ${e.message}`),
      cause: error,
    });
  }
  return new AppError('KAFKA_FAILED', `Could not ${context.action}: ${message}`, {
    hint: 'The broker refused the request; see the details for its error.',
    detail: chain.map((e) => `${e.name}: ${e.message}`),
    cause: error,
  });
}

function hintFor(type: string): string {
  switch (type) {
    case 'TOPIC_ALREADY_EXISTS':
      return 'Pick another name, or delete the existing topic first.';
    case 'INVALID_REPLICATION_FACTOR':
      return 'The replication factor cannot exceed the number of brokers; leave it empty for the broker default.';
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return 'Check the topic name (logclaw topics lists them).';
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
      return "The message is larger than the topic's max.message.bytes.";
    default:
      return 'Fix the request and try again.';
  }
}
