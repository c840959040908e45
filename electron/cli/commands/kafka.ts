// Kafka commands: topics, groups, tail, produce. Each goes through the same backend channels as the
// Kafka pane (the tail included: batched kafka:messages events, acknowledged with kafka:tailAck).
import { AppError, type ErrorCode } from '#contract/errors.js';
import { formatCount } from '#contract/format.js';
import type { ConsumerGroup, KafkaMessage, TailStatus, TopicInfo } from '#contract/kafka.js';
import type { Backend } from '../../backend.js';
import type { Command, CommandContext, OptionSpec } from '../command.js';
import { numberFlag, readStdin } from '../flags.js';
import { formatTable } from '../output.js';

export const BROKERS: Record<string, OptionSpec> = {
  'kafka-brokers': {
    type: 'string',
    description: "bootstrap brokers host:port[,host:port] (default: the Kafka pane's connection, else the stack through port-forwards)",
    placeholder: 'LIST',
  },
};

/** Runs `fn` against a backend whose Kafka connection honours --kafka-brokers (for this run only). */
export function withKafka<T>(ctx: CommandContext, fn: (backend: Backend) => Promise<T>): Promise<T> {
  return ctx.withBackend('cli', async (backend) => {
    const flag = ctx.values['kafka-brokers'];
    if (typeof flag === 'string') {
      const { parseBrokerList } = await import('../../services/kafka/connection.js');
      await backend.call('kafka:setConnection', { mode: 'direct', brokers: parseBrokerList(flag), save: false });
    }
    return fn(backend);
  });
}

function topicArgument(positionals: string[], usage: string): string {
  const [topic, ...extra] = positionals;
  if (!topic || extra.length)
    throw new AppError('INVALID_REQUEST', topic ? `Unexpected argument "${extra[0]}"` : 'Name the topic', { hint: `Usage: ${usage}` });
  return topic;
}

/** ISO date, epoch milliseconds, or a duration back from now (90s, 15m, 2h, 1d). */
export function parseSince(text: string, now = Date.now()): number {
  const duration = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (duration) {
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return Math.round(now - Number(duration[1]) * unit);
  }
  if (/^\d{10,}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new AppError('INVALID_REQUEST', `--since "${text}" is not a date`, {
      hint: 'Use an ISO date (2025-01-31T12:00:00Z), epoch milliseconds, or a duration like 15m.',
    });
  }
  return ms;
}

export const kafkaCommands: Record<string, Command> = {
  topics: {
    usage: 'logclaw topics [--internal] [--kafka-brokers LIST] [--json]',
    options: { ...BROKERS, internal: { type: 'boolean', description: 'include internal topics (__consumer_offsets…)' } },
    async run(ctx) {
      const { topics } = await withKafka(ctx, (backend) => backend.call('kafka:listTopics', { internal: ctx.values.internal === true }));
      ctx.io.out(ctx.json ? JSON.stringify(topics, null, 2) : formatTopics(topics));
      return 0;
    },
  },
  groups: {
    usage: 'logclaw groups [--kafka-brokers LIST] [--json]',
    options: { ...BROKERS },
    async run(ctx) {
      const groups = await withKafka(ctx, (backend) => backend.call('kafka:listGroups', {}));
      ctx.io.out(ctx.json ? JSON.stringify(groups, null, 2) : formatGroups(groups));
      return 0;
    },
  },
  tail: {
    usage:
      'logclaw tail <topic> [--from-beginning|--offset N|--since ISO] [--partition N] [--max N] [--end] [--filter TEXT] [--key-contains TEXT] [--where PATH=VALUE] [--json]',
    options: {
      ...BROKERS,
      'from-beginning': { type: 'boolean', description: 'start at the earliest offset of every partition' },
      offset: {
        type: 'string',
        description: 'start at this offset (negative: that many before the end; use --offset=-N)',
        placeholder: 'N',
      },
      since: {
        type: 'string',
        description: 'start at the first message at or after a time (ISO date, epoch ms, or 15m/2h)',
        placeholder: 'TIME',
      },
      partition: { type: 'string', description: 'only this partition', placeholder: 'N' },
      max: { type: 'string', description: 'stop after N matching messages', placeholder: 'N' },
      end: { type: 'boolean', description: 'stop at the end of the topic (its high watermarks when the tail starts)' },
      filter: { type: 'string', description: 'only messages whose key or value contains TEXT (case-insensitive)', placeholder: 'TEXT' },
      'key-contains': { type: 'string', description: 'only messages whose key contains TEXT (case-insensitive)', placeholder: 'TEXT' },
      where: {
        type: 'string',
        description: 'only JSON values where PATH equals VALUE (or PATH exists, without =VALUE)',
        placeholder: 'PATH=VALUE',
      },
    },
    async run(ctx) {
      const topic = topicArgument(ctx.positionals, this.usage);
      const { values } = ctx;
      const starts = [values['from-beginning'] === true, values.offset !== undefined, values.since !== undefined].filter(Boolean).length;
      if (starts > 1)
        throw new AppError('INVALID_REQUEST', 'Choose one of --from-beginning, --offset and --since', { hint: `Usage: ${this.usage}` });
      const from =
        values['from-beginning'] === true
          ? { kind: 'earliest' as const }
          : values.offset !== undefined
            ? { kind: 'offset' as const, offset: String(numberFlag(values, 'offset', { integer: true })) }
            : values.since !== undefined
              ? { kind: 'timestamp' as const, at: parseSince(String(values.since)) }
              : { kind: 'latest' as const };
      const filter: { text?: string; key?: string; jsonPath?: string; jsonEquals?: string } = {};
      if (typeof values.filter === 'string' && values.filter) filter.text = values.filter;
      if (typeof values['key-contains'] === 'string' && values['key-contains']) filter.key = values['key-contains'];
      if (typeof values.where === 'string' && values.where) {
        const at = values.where.indexOf('=');
        filter.jsonPath = at < 0 ? values.where : values.where.slice(0, at);
        if (at >= 0) filter.jsonEquals = values.where.slice(at + 1);
      }
      const partition = numberFlag(values, 'partition', { integer: true, min: 0 });
      const max = numberFlag(values, 'max', { integer: true, min: 1 });
      return withKafka(ctx, (backend) =>
        runTail(ctx, backend, { topic, from, filter, until: values.end === true ? 'end' : 'follow', partition, max }),
      );
    },
  },
  produce: {
    usage: 'logclaw produce <topic> [--key K] [--value JSON | < lines] [--text] [--partition N] [--headers k=v,…]',
    options: {
      ...BROKERS,
      key: { type: 'string', description: 'message key (messages with the same key go to the same partition)', placeholder: 'K' },
      value: { type: 'string', description: 'the value; without it, every non-empty stdin line is one message', placeholder: 'JSON' },
      text: { type: 'boolean', description: 'send values as plain text (default: each value must be valid JSON)' },
      partition: { type: 'string', description: 'this partition instead of placing by key', placeholder: 'N' },
      headers: { type: 'string', description: 'headers as k=v pairs separated by commas', placeholder: 'LIST' },
    },
    async run(ctx) {
      const topic = topicArgument(ctx.positionals, this.usage);
      const { values } = ctx;
      const headers = parseHeaders(typeof values.headers === 'string' ? values.headers : '');
      const partition = numberFlag(values, 'partition', { integer: true, min: 0 });
      let lines: string[];
      if (typeof values.value === 'string') lines = [values.value];
      else if (process.stdin.isTTY)
        throw new AppError('INVALID_REQUEST', 'Nothing to send', { hint: 'Give --value, or pipe messages on stdin (one per line).' });
      else lines = (await readStdin()).split(/\r?\n/).filter((line) => line.trim() !== '');
      if (lines.length === 0)
        throw new AppError('INVALID_REQUEST', 'stdin had no messages', { hint: 'Give --value, or pipe one message per line.' });
      const messages = lines.map((value) => ({
        value,
        headers,
        ...(typeof values.key === 'string' ? { key: values.key } : {}),
        ...(partition !== undefined ? { partition } : {}),
      }));
      const results = await withKafka(ctx, async (backend) => {
        const out = [];
        for (let i = 0; i < messages.length; i += 500) {
          out.push(
            ...(await backend.call('kafka:produce', {
              topic,
              format: values.text === true ? 'text' : 'json',
              messages: messages.slice(i, i + 500),
            })),
          );
        }
        return out;
      });
      if (ctx.json) ctx.io.out(JSON.stringify(results));
      else if (results.length === 1) ctx.io.out(`produced to ${topic} partition ${results[0]!.partition} at offset ${results[0]!.offset}`);
      else ctx.io.out(`produced ${results.length} messages to ${topic}`);
      return 0;
    },
  },
};

async function runTail(
  ctx: CommandContext,
  backend: Backend,
  request: { topic: string; from: object; filter: object; until: 'follow' | 'end'; partition?: number; max?: number },
): Promise<number> {
  const tailId = `cli-${process.pid}-${Date.now().toString(36)}`;
  let lastSeq = 0;
  let final: TailStatus | null = null;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const offMessages = backend.bus.on('kafka:messages', (batch) => {
    if (batch.tailId !== tailId) return;
    ctx.io.out(batch.messages.map((m) => (ctx.json ? jsonLine(request.topic, m) : humanLine(m))).join('\n'));
    lastSeq = batch.seq;
    // Acknowledge once printed: the backend never runs ahead of stdout.
    void backend.call('kafka:tailAck', { tailId, seq: batch.seq }).catch(() => undefined);
  });
  const offStatus = backend.bus.on('kafka:tailStatus', (status) => {
    if (status.tailId !== tailId) return;
    if (status.state === 'reconnecting') ctx.io.err(`tail: ${status.reason}`);
    if (['ended', 'stopped', 'failed'].includes(status.state)) {
      final = status;
      finish();
    }
  });
  const ping = setInterval(() => void backend.call('kafka:tailAck', { tailId, seq: lastSeq }).catch(() => undefined), 15_000);
  try {
    const started = await backend.call('kafka:tailStart', {
      tailId,
      ...request,
      from: request.from as never,
      maxValueBytes: null,
      ...(request.partition === undefined ? {} : { partition: request.partition }),
      ...(request.max === undefined ? {} : { max: request.max }),
    });
    if (['ended', 'stopped', 'failed'].includes(started.state)) final = started;
    else await Promise.race([finished, ctx.stopSignal]);
    if (!final) final = await backend.call('kafka:tailStop', { tailId });
  } finally {
    clearInterval(ping);
    offMessages();
    offStatus();
  }
  const status = final as TailStatus;
  if (status.state === 'failed') {
    throw AppError.fromPayload({
      code: (status.error?.code ?? 'KAFKA_FAILED') as ErrorCode,
      message: status.error?.message ?? status.reason,
      hint: status.error?.hint ?? 'Check the broker and try again.',
    });
  }
  return 0;
}

function jsonLine(topic: string, m: KafkaMessage): string {
  const line: Record<string, unknown> = {
    topic,
    partition: m.partition,
    offset: Number(m.offset),
    timestamp: m.timestamp,
    key: m.key,
    value: m.value,
  };
  if (m.encoding === 'base64') line.encoding = 'base64';
  if (Object.keys(m.headers).length) line.headers = m.headers;
  return JSON.stringify(line);
}

function humanLine(m: KafkaMessage): string {
  return `${new Date(m.timestamp).toISOString()}  p${m.partition}@${m.offset}  ${m.key ?? '-'}  ${m.value ?? '(null)'}`;
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new AppError('INVALID_REQUEST', `Header "${pair}" is not k=v`, { hint: 'Write --headers source=cli,trace=abc' });
    headers[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return headers;
}

function formatTopics(topics: TopicInfo[]): string {
  if (topics.length === 0) return 'No topics.';
  return formatTable(topics, [
    { header: 'TOPIC', value: (t) => t.name },
    { header: 'PARTITIONS', value: (t) => String(t.partitions.length), align: 'right' },
    { header: 'RF', value: (t) => String(t.replicationFactor), align: 'right' },
    { header: 'MESSAGES', value: (t) => formatCount(t.messages), align: 'right' },
    { header: 'LOW..HIGH', value: (t) => t.partitions.map((p) => `${p.low}..${p.high}`).join(' ') },
    { header: 'UNDER-REPLICATED', value: (t) => (t.underReplicated ? String(t.underReplicated) : ''), align: 'right' },
  ]);
}

function formatGroups(groups: ConsumerGroup[]): string {
  if (groups.length === 0) return 'No consumer groups.';
  return formatTable(groups, [
    { header: 'GROUP', value: (g) => g.groupId },
    { header: 'STATE', value: (g) => g.state },
    { header: 'MEMBERS', value: (g) => String(g.members.length), align: 'right' },
    { header: 'TOPICS', value: (g) => g.topics.join(',') },
    { header: 'LAG', value: (g) => formatCount(g.totalLag), align: 'right' },
  ]);
}
