// Logs commands: send-log (one event, or a generator run at a rate), send-anomaly and trace. They
// call the same logs:* channels as the Logs pane; --kafka-brokers and --opensearch-url work as in
// the Kafka and Search commands.
import { readFile } from 'node:fs/promises';
import { AppError } from '#contract/errors.js';
import { formatBytes } from '#contract/format.js';
import type { GeneratorStatus, LogPayload, TraceResult } from '#contract/logs.js';
import type { Backend } from '../../backend.js';
import type { Command, CommandContext, OptionSpec } from '../command.js';
import { numberFlag, readStdin, stringFlag } from '../flags.js';
import { BROKERS, withKafka } from './kafka.js';
import { endpointFromFlags } from './search.js';

const VECTOR: Record<string, OptionSpec> = {
  'vector-url': {
    type: 'string',
    description: "Vector's HTTP source (default: the URL saved in the Logs pane, else the stack's vector forward on 127.0.0.1:18080)",
    placeholder: 'URL',
  },
};
const OPENSEARCH: Record<string, OptionSpec> = {
  'opensearch-url': {
    type: 'string',
    description: "OpenSearch URL (default: the Search pane's connection, else the stack's forward)",
    placeholder: 'URL',
  },
};

async function eventArgument(ctx: CommandContext, backend: Backend): Promise<LogPayload> {
  const json = stringFlag(ctx.values, 'json');
  const template = stringFlag(ctx.values, 'template');
  if (json !== undefined && template !== undefined) throw new AppError('INVALID_REQUEST', 'Give --json or --template, not both');
  if (template !== undefined) {
    const { templates } = await backend.call('logs:state', {});
    const found = templates.find((t) => t.name === template);
    if (!found)
      throw new AppError('NOT_FOUND', `No template "${template}"`, { hint: `Templates: ${templates.map((t) => t.name).join(', ')}` });
    return found.event;
  }
  if (json === undefined) return (await backend.call('logs:state', {})).templates[0]!.event;
  const source = json.startsWith('@') ? await readFile(json.slice(1), 'utf8') : json === '-' ? await readStdin() : json;
  try {
    return JSON.parse(source) as LogPayload;
  } catch (error) {
    throw new AppError('INVALID_REQUEST', `--json is not valid JSON: ${(error as Error).message}`, {
      hint: `Quote it for the shell: --json '{"message":"hello","level":"INFO","service":"demo"}' (or @file, or - for stdin).`,
    });
  }
}

export function formatRun(status: GeneratorStatus): string {
  const reasons = Object.entries(status.failedByReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const seconds = (status.elapsedMs / 1000).toFixed(2);
  return [
    `${status.state} after ${seconds} s → ${status.url} (${status.spec.profile} ${status.spec.rate} ev/s for ${status.spec.durationS} s, ${status.spec.format})`,
    `generated ${status.generated}/${status.expected}  sent ${status.sent}  accepted ${status.accepted}  failed ${status.failed}${reasons ? ` (${reasons})` : ''}  retried ${status.retried}`,
    `${status.acceptedRate} ev/s accepted · ${status.requests} requests · ${formatBytes(status.bytes)}`,
  ].join('\n');
}

export function formatTrace(result: TraceResult): string {
  const width = Math.max(...result.hops.map((hop) => hop.title.length));
  const lines = result.hops.map((hop) => {
    const mark = hop.state === 'ok' ? '✓' : hop.state === 'skipped' ? '-' : '✗';
    const latency = hop.latencyMs === null ? '' : `${Math.round(hop.latencyMs)} ms`.padStart(9);
    const what = hop.state === 'ok' ? hop.detail : `${hop.state}: ${hop.reason ?? ''}${hop.code ? ` [${hop.code}]` : ''}`;
    return `${mark} ${hop.title.padEnd(width)} ${latency.padEnd(9)}  ${what}${hop.hint && hop.state !== 'ok' && hop.state !== 'skipped' ? `\n  ${''.padEnd(width)}            hint: ${hop.hint}` : ''}`;
  });
  const verdict = result.stoppedAt ? `stopped at ${result.stoppedAt}` : 'reached every hop';
  return [`trace ${result.traceId} via ${result.vectorUrl ?? '(no Vector URL)'}: ${verdict}`, ...lines].join('\n');
}

export const logsCommands: Record<string, Command> = {
  'send-log': {
    usage:
      'logclaw send-log [--vector-url URL] [--json JSON | --template NAME] [--rate N --duration S [--profile steady|burst|ramp] [--batch N] [--format json|ndjson]] [--json-report]',
    options: {
      ...VECTOR,
      json: { type: 'string', description: 'the event: a JSON object or array (@file reads a file, - reads stdin)', placeholder: 'JSON' },
      template: {
        type: 'string',
        description: 'a template by name (payment-timeout, checkout-order, …; see the Logs pane)',
        placeholder: 'NAME',
      },
      rate: { type: 'string', description: 'generate this many events per second (the peak for burst and ramp)', placeholder: 'N' },
      duration: { type: 'string', description: 'for how many seconds to generate (default 10)', placeholder: 'S' },
      profile: {
        type: 'string',
        description: 'steady (default), burst (the rate for 1 s in every 5 s), ramp (0 → rate)',
        placeholder: 'NAME',
      },
      batch: { type: 'string', description: 'events per POST (default: about 10 ms worth)', placeholder: 'N' },
      format: {
        type: 'string',
        description: 'json (a JSON array per POST, default) or ndjson (needs the source framing newline_delimited)',
        placeholder: 'FMT',
      },
      'json-report': { type: 'boolean', description: 'print the result as JSON on stdout' },
    },
    async run(ctx) {
      const vectorUrl = stringFlag(ctx.values, 'vector-url');
      const report = ctx.values['json-report'] === true;
      const rate = numberFlag(ctx.values, 'rate', { min: 0.001, max: 200_000 });
      return withKafka(ctx, async (backend) => {
        const payload = await eventArgument(ctx, backend);
        if (rate === undefined) {
          for (const name of ['duration', 'profile', 'batch', 'format'])
            if (ctx.values[name] !== undefined) throw new AppError('INVALID_REQUEST', `--${name} needs --rate`);
          const result = await backend.call('logs:send', { events: payload, ...(vectorUrl ? { vectorUrl } : {}) });
          ctx.io.out(
            report
              ? JSON.stringify(result, null, 2)
              : `sent ${result.count} event${result.count === 1 ? '' : 's'} to ${result.url}: HTTP ${result.status} in ${Math.round(result.latencyMs)} ms`,
          );
          return 0;
        }
        if (Array.isArray(payload))
          throw new AppError('INVALID_REQUEST', 'With --rate, --json is one event (the template every generated event starts from)');
        const profile = stringFlag(ctx.values, 'profile') ?? 'steady';
        if (!['steady', 'burst', 'ramp'].includes(profile))
          throw new AppError('INVALID_REQUEST', `--profile must be steady, burst or ramp, not "${profile}"`);
        const format = stringFlag(ctx.values, 'format') ?? 'json';
        if (format !== 'json' && format !== 'ndjson')
          throw new AppError('INVALID_REQUEST', `--format must be json or ndjson, not "${format}"`);
        const batch = numberFlag(ctx.values, 'batch', { min: 1, max: 5_000 });
        const started = await backend.call('logs:generatorStart', {
          ...(vectorUrl ? { vectorUrl } : {}),
          rate,
          durationS: numberFlag(ctx.values, 'duration', { min: 0.001 }) ?? 10,
          profile: profile as 'steady',
          format,
          batchSize: batch === undefined ? null : Math.round(batch),
          template: payload,
        });
        let last = '';
        const off = backend.bus.on('logs:generator', (status) => {
          if (status.id !== started.id || status.state !== 'running') return;
          const line = `${(status.elapsedMs / 1000).toFixed(1)} s  sent ${status.sent}  accepted ${status.accepted}  failed ${status.failed}  retried ${status.retried}  in flight ${status.inFlight}`;
          if (line !== last) ctx.io.err(line);
          last = line;
        });
        let final: GeneratorStatus;
        try {
          const ended = backend.call('logs:generatorStatus', {}).then(async function wait(): Promise<GeneratorStatus> {
            for (;;) {
              const status = await backend.call('logs:generatorStatus', {});
              if (status && status.id === started.id && status.state !== 'running' && status.state !== 'stopping') return status;
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          });
          final = await Promise.race([ended, ctx.stopSignal.then(() => backend.call('logs:generatorStop', { id: started.id }))]);
        } finally {
          off();
        }
        ctx.io.out(report ? JSON.stringify(final, null, 2) : formatRun(final));
        return final.failed === 0 && final.state === 'done' ? 0 : 1;
      });
    },
  },
  'send-anomaly': {
    usage:
      'logclaw send-anomaly --service S --severity low|medium|high|critical --score 0..1 [--message M] [--id ANOMALY_ID] [--kafka-brokers LIST] [--json]',
    options: {
      service: { type: 'string', description: 'the service the anomaly is about', placeholder: 'S' },
      severity: { type: 'string', description: 'low, medium, high or critical', placeholder: 'SEV' },
      score: { type: 'string', description: 'anomaly score from 0 to 1', placeholder: 'X' },
      message: { type: 'string', description: 'what happened, e.g. "Error rate spike to 15%"', placeholder: 'M' },
      id: { type: 'string', description: 'anomaly_id (default: ANO-<random>)', placeholder: 'ID' },
      ...BROKERS,
    },
    async run(ctx) {
      const score = stringFlag(ctx.values, 'score');
      const request = {
        service: stringFlag(ctx.values, 'service'),
        severity: stringFlag(ctx.values, 'severity'),
        // A non-number stays as text so the schema answers with its own message.
        score: score === undefined ? undefined : Number.isFinite(Number(score)) && score.trim() !== '' ? Number(score) : score,
        ...(ctx.values.message !== undefined ? { message: stringFlag(ctx.values, 'message') } : {}),
        ...(ctx.values.id !== undefined ? { anomaly_id: stringFlag(ctx.values, 'id') } : {}),
      };
      const result = await withKafka(ctx, (backend) => backend.call('logs:sendAnomaly', request));
      ctx.io.out(
        ctx.json
          ? JSON.stringify(result, null, 2)
          : `produced ${result.event.anomaly_id} (${result.event.severity}, score ${result.event.score}) to ${result.topic} partition ${result.partition} offset ${result.offset}`,
      );
      return 0;
    },
  },
  trace: {
    usage: 'logclaw trace [--timeout S] [--vector-url URL] [--kafka-brokers LIST] [--opensearch-url URL] [--index PATTERN] [--json]',
    options: {
      timeout: { type: 'string', description: 'how long to wait at each hop (default 30)', placeholder: 'S' },
      index: { type: 'string', description: 'the indices to look in (default logclaw-logs-*)', placeholder: 'PATTERN' },
      ...VECTOR,
      ...BROKERS,
      ...OPENSEARCH,
    },
    async run(ctx) {
      const timeout = numberFlag(ctx.values, 'timeout', { min: 1, max: 600 });
      const vectorUrl = stringFlag(ctx.values, 'vector-url');
      const opensearch = endpointFromFlags(ctx.values);
      const index = stringFlag(ctx.values, 'index');
      const result = await withKafka(ctx, (backend) =>
        backend.call('logs:trace', {
          ...(vectorUrl ? { vectorUrl } : {}),
          ...(opensearch ? { opensearch } : {}),
          ...(index ? { index } : {}),
          ...(timeout !== undefined ? { timeoutMs: Math.round(timeout * 1000) } : {}),
        }),
      );
      ctx.io.out(ctx.json ? JSON.stringify(result, null, 2) : formatTrace(result));
      return result.stoppedAt === null ? 0 : 1;
    },
  },
};
