// Numbers, rates and the equivalent `logclaw` commands for the Kafka pane.
import type { KafkaConnection, TailFilter } from '../../../../electron/contract/kafka.js';
import type { TailSettings } from './tail-settings.js';

const NBSP = '\u00a0';

/** 1240311 → "1 240 311" (non-breaking spaces, as in "showing 10 000 of 1 240 311"). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US').replace(/,/g, NBSP);
}

export function formatRate(rate: number | null): string {
  if (rate === null) return '–';
  if (rate === 0) return '0';
  if (rate < 10) return rate.toFixed(1);
  return formatCount(rate);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
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

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function connectionFlag(connection: KafkaConnection | null): string[] {
  return connection?.source === 'session' && connection.cliFlag ? connection.cliFlag.split(' ') : [];
}

export function tailCommand(settings: TailSettings, connection: KafkaConnection | null): string {
  const args = ['logclaw', 'tail', settings.topic];
  const { from } = settings;
  if (from.kind === 'earliest') args.push('--from-beginning');
  else if (from.kind === 'offset') args.push(from.offset.startsWith('-') ? `--offset=${from.offset}` : '--offset', ...(from.offset.startsWith('-') ? [] : [from.offset]));
  else if (from.kind === 'timestamp') args.push('--since', typeof from.at === 'number' ? new Date(from.at).toISOString() : from.at);
  if (settings.partition !== undefined) args.push('--partition', String(settings.partition));
  args.push(...filterFlags(settings.filter), ...connectionFlag(connection));
  return args.map(shellQuote).join(' ');
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
  return args.map(shellQuote).join(' ');
}

function compactJson(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value));
  } catch {
    return value;
  }
}
