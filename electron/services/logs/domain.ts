// The logs domain: maps the `logs:*` channels to the sender, generator, anomaly producer, trace and
// canary. Where Vector is: the URL in the request (CLI --vector-url), else the one saved in the Logs
// pane (logs.json), else the installed stack's `vector` forward (started on demand). Kafka and
// OpenSearch are reached through their own domains' channels, so their precedence holds (CLI flags,
// saved connections, the stack's forwards).
import { randomBytes } from 'node:crypto';
import { shellWords } from '#contract/command.js';
import { AppError } from '#contract/errors.js';
import {
  ANOMALY_TOPIC,
  AnomalyEvent,
  type AnomalyResult,
  type GeneratorStatus,
  type logsChannels,
  type TraceResult,
} from '#contract/logs.js';
import type { BackendContext, Domain } from '../../domain.js';
import { Canary } from './canary.js';
import { Generator } from './generator.js';
import { LogsStore } from './logs-store.js';
import { listIndices, searchDocs, watchKafka } from './pipeline.js';
import { type ResolvedVector, runTrace, type TraceDeps } from './trace.js';
import { VectorClient, curlFor, outcomeError } from './vector-client.js';

export function logsDomain(ctx: BackendContext): Domain<keyof typeof logsChannels> {
  const store = new LogsStore(ctx.dataDir);
  const loaded = store.load().then(() => {
    for (const notice of store.notices) ctx.bus.emit('app:notice', notice);
  });
  const clients = new Map<string, VectorClient>();
  let generator: Generator | null = null;
  let generatorClient: VectorClient | null = null;

  function clientFor(url: string): VectorClient {
    let client = clients.get(url);
    if (!client) {
      client = new VectorClient(url, { maxSockets: 4 });
      clients.set(url, client);
      if (clients.size > 4) {
        const [oldest, old] = clients.entries().next().value!;
        clients.delete(oldest);
        old.close();
      }
    }
    return client;
  }

  async function resolveVector(explicit?: string): Promise<ResolvedVector> {
    if (explicit) return { url: explicit.replace(/\/+$/, '') || explicit, via: 'explicit' };
    await loaded;
    const saved = await store.vectorUrl();
    if (saved) return { url: saved, via: 'saved' };
    try {
      const forward = await ctx.forwards.ensure('vector');
      return { url: `http://127.0.0.1:${forward.spec.localPort}`, via: 'forward' };
    } catch (error) {
      const reason = error instanceof AppError ? `${error.message}${error.hint ? ` (${error.hint})` : ''}` : String(error);
      throw new AppError('VECTOR_UNREACHABLE', `No Vector URL is set up, and the stack's vector forward could not start: ${reason}`, {
        hint: `Give Vector's URL (--vector-url, or Logs → Vector URL), or install the stack and start its vector forward (kubectl -n logclaw-${ctx.tenant()} port-forward svc/logclaw-ingestion-${ctx.tenant()} 18080:8080).`,
        detail: error instanceof AppError ? error.toPayload() : undefined,
      });
    }
  }

  const pipeline = {
    resolveVector,
    post: (url: string, body: string) => clientFor(url).post(body, 'json'),
    watchKafka: (options: Parameters<TraceDeps['watchKafka']>[0]) => watchKafka(ctx, options),
    searchDocs: (options: Parameters<typeof searchDocs>[1]) => searchDocs(ctx, options),
    listIndices: (pattern: string, endpoint?: Parameters<typeof listIndices>[2]) => listIndices(ctx, pattern, endpoint),
  };

  const canary = new Canary({ ...pipeline, onStatus: (status) => ctx.bus.emit('logs:canary', status) });

  async function stopGenerator(): Promise<void> {
    if (generator?.active) await generator.stop();
  }

  return {
    handlers: {
      'logs:state': () => store.state(),
      'logs:setVectorUrl': async ({ vectorUrl }) => {
        await store.setVectorUrl(vectorUrl);
        return store.state();
      },
      'logs:saveTemplate': async ({ name, description, event }) => {
        await store.saveTemplate(name, description, event);
        return store.state();
      },
      'logs:deleteTemplate': async ({ name }) => {
        await store.deleteTemplate(name);
        return store.state();
      },
      'logs:send': async ({ vectorUrl, events }) => {
        const vector = await resolveVector(vectorUrl);
        const body = JSON.stringify(events);
        const outcome = await clientFor(vector.url).post(body, 'json');
        if (!outcome.ok) throw outcomeError(vector.url, outcome, vector.via);
        return {
          url: vector.url,
          count: Array.isArray(events) ? events.length : 1,
          status: outcome.status,
          latencyMs: outcome.latencyMs,
          curl: curlFor(vector.url, body, 'json'),
        };
      },
      'logs:generatorStart': async ({ vectorUrl, ...spec }) => {
        if (generator?.active) {
          throw new AppError('JOB_BUSY', `A generator run (${generator.id}) is already sending`, {
            hint: 'Stop it first (Logs → Generator → Stop, or Ctrl-C in the CLI).',
          });
        }
        const vector = await resolveVector(vectorUrl);
        generatorClient?.close();
        const client = new VectorClient(vector.url, { maxSockets: spec.maxInFlight });
        generatorClient = client;
        let lastEmit = 0;
        const run = new Generator(
          { ...spec, ...(vectorUrl ? { vectorUrl } : {}) },
          {
            client,
            url: vector.url,
            onStatus: (status: GeneratorStatus) => {
              const now = Date.now();
              if (status.state === 'running' && now - lastEmit < 200) return;
              lastEmit = now;
              ctx.bus.emit('logs:generator', status);
            },
          },
        );
        generator = run;
        void run.done.then(() => {
          if (generatorClient === client) generatorClient = null;
          client.close();
        });
        return run.start();
      },
      'logs:generatorStop': async ({ id }) => {
        if (!generator || generator.id !== id)
          throw new AppError('NOT_FOUND', `No generator run ${id}`, { hint: 'It may have ended; see logs:generatorStatus.' });
        return generator.stop();
      },
      'logs:generatorStatus': () => generator?.status() ?? null,
      'logs:sendAnomaly': async (request) => {
        const event = AnomalyEvent.parse({
          anomaly_id: request.anomaly_id ?? `ANO-${randomBytes(4).toString('hex').toUpperCase()}`,
          service: request.service,
          score: request.score,
          severity: request.severity,
          message: request.message,
          timestamp: request.timestamp ?? new Date().toISOString(),
          // Sent by the app, not scored from logs: the ticketing agent routes it to its local sink
          // only (unless its config opts in), so trying an anomaly never pages a real on-call.
          synthetic: true,
        });
        const value = JSON.stringify(event);
        const [produced] = await ctx.call('kafka:produce', {
          topic: ANOMALY_TOPIC,
          format: 'json',
          messages: [{ key: event.service, value }],
        });
        const result: AnomalyResult = {
          event,
          topic: ANOMALY_TOPIC,
          partition: produced!.partition,
          offset: produced!.offset,
          command: shellWords([
            'logclaw',
            'send-anomaly',
            '--service',
            event.service,
            '--severity',
            event.severity,
            '--score',
            String(event.score),
            ...(event.message ? ['--message', event.message] : []),
          ]),
        };
        return result;
      },
      'logs:trace': ({ vectorUrl, opensearch, index, timeoutMs, fields }): Promise<TraceResult> =>
        runTrace(
          { ...(vectorUrl ? { vectorUrl } : {}), ...(opensearch ? { opensearch } : {}), index, timeoutMs, fields },
          { ...pipeline, onProgress: (result) => ctx.bus.emit('logs:traceProgress', result) },
        ),
      'logs:canaryStart': ({ vectorUrl, opensearch, index, intervalMs, deadlineMs }) =>
        canary.start({ ...(vectorUrl ? { vectorUrl } : {}), ...(opensearch ? { opensearch } : {}), index, intervalMs, deadlineMs }),
      'logs:canaryStop': () => canary.stop(),
      'logs:canaryStatus': () => canary.status(),
    },
    async close() {
      await canary.stop();
      await stopGenerator();
      generatorClient?.close();
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
