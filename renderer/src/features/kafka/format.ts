// Rates, message values and the equivalent `logclaw` commands for the Kafka pane.
import { shellWords } from '#contract/command.js';
import { formatCount } from '#contract/format.js';
import type { KafkaConnection, TailFilter } from '#contract/kafka.js';
import type { TailSettings } from './tail-settings.js';

export function formatRate(rate: number | null): string {
  if (rate === null) return '–';
  if (rate === 0) return '0';
  if (rate < 10) return rate.toFixed(1);
  return formatCount(rate);
}

/** Pretty JSON when the text is JSON, else the text itself. */
export function prettyValue(value: string | null): { text: string; json: boolean } {
  if (value === null) return { text: '(null)', json: false };
  try {
    return { text: JSON.stringify(JSON.parse(value), null, 2), json: true };
  } catch {
    return { text: value, json: false };
  }
}

function connectionFlag(connection: KafkaConnection | null): string[] {
  return connection?.source === 'session' && connection.cliFlag ? connection.cliFlag.split(' ') : [];
}

export function tailCommand(settings: TailSettings, connection: KafkaConnection | null): string {
  const args = ['logclaw', 'tail', settings.topic];
  const { from } = settings;
  if (from.kind === 'earliest') args.push('--from-beginning');
  else if (from.kind === 'offset')
    args.push(from.offset.startsWith('-') ? `--offset=${from.offset}` : '--offset', ...(from.offset.startsWith('-') ? [] : [from.offset]));
  else if (from.kind === 'timestamp') args.push('--since', typeof from.at === 'number' ? new Date(from.at).toISOString() : from.at);
  if (settings.partition !== undefined) args.push('--partition', String(settings.partition));
  args.push(...filterFlags(settings.filter), ...connectionFlag(connection));
  return shellWords(args);
}

function filterFlags(filter: TailFilter): string[] {
  const flags: string[] = [];
  if (filter.text) flags.push('--filter', filter.text);
  if (filter.key) flags.push('--key-contains', filter.key);
  if (filter.jsonPath) flags.push('--where', filter.jsonEquals === undefined ? filter.jsonPath : `${filter.jsonPath}=${filter.jsonEquals}`);
  return flags;
}

export function produceCommand(
  request: { topic: string; format: 'json' | 'text'; key?: string; partition?: number; headers: Record<string, string>; value: string },
  connection: KafkaConnection | null,
): string {
  const args = ['logclaw', 'produce', request.topic];
  if (request.key !== undefined) args.push('--key', request.key);
  if (request.partition !== undefined) args.push('--partition', String(request.partition));
  const headers = Object.entries(request.headers).map(([k, v]) => `${k}=${v}`);
  if (headers.length) args.push('--headers', headers.join(','));
  if (request.format === 'text') args.push('--text');
  args.push('--value', request.format === 'json' ? compactJson(request.value) : request.value, ...connectionFlag(connection));
  return shellWords(args);
}

function compactJson(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value));
  } catch {
    return value;
  }
}
