// `logclaw send-log`, `send-anomaly` and `trace` as a user runs them (a separate process), against
// the Vector stand-in and the real Kafka and OpenSearch.
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyEvent } from '#contract/logs.js';
import { type VectorReceiver, ensurePipelineTopics, startVectorReceiver } from '../fakes/vector-receiver.js';
import { pathWith, runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { readKafkaAt } from './support.js';

const tempDir = useTempDir('logclaw-logs-cli-');

describe('logclaw send-log / send-anomaly / trace', () => {
  let receiver: VectorReceiver;
  let brokers: string;
  let osUrl: string;
  let env: NodeJS.ProcessEnv;
  const traced: string[] = [];

  beforeAll(async () => {
    const { kafka, opensearch } = await useTestEnv('kafka', 'opensearch');
    brokers = kafka.brokers;
    osUrl = opensearch.url;
    await ensurePipelineTopics(brokers);
    receiver = await startVectorReceiver({ kafka: { brokers }, opensearch: { url: osUrl }, keep: true });
    env = { PATH: pathWith(), HOME: process.env.HOME, LOGCLAW_HOME: tempDir(), KUBECONFIG: '/nonexistent' };
  });
  afterAll(async () => {
    await receiver?.close();
    if (traced.length) {
      const os = new Client({ node: osUrl });
      await os
        .deleteByQuery({
          index: 'logclaw-logs-*',
          body: { query: { terms: { 'logclaw_trace_id.keyword': traced } } },
          refresh: true,
        } as never)
        .catch(() => undefined);
      await os.close();
    }
  });

  it("send-log sends the seed's log (the default template), a given JSON, and a template by name", async () => {
    receiver.reset();
    const first = await runCli(['send-log', '--vector-url', receiver.url], env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(new RegExp(`^sent 1 event to ${receiver.url.replaceAll('.', '\\.')}: HTTP 200 in \\d+ ms$`));
    expect(receiver.events[0]).toMatchObject({
      message: 'Payment failed: timeout',
      level: 'ERROR',
      service: 'payment-api',
      tenant: 'dev-local',
    });

    const json = await runCli(
      [
        'send-log',
        '--vector-url',
        receiver.url,
        '--json',
        '[{"message":"a","service":"s"},{"message":"b","service":"s"}]',
        '--json-report',
      ],
      env,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      count: 2,
      status: 200,
      curl: expect.stringContaining(`curl -sS -X POST ${receiver.url}`),
    });
    const named = await runCli(['send-log', '--vector-url', receiver.url, '--template', 'auth-login-failed'], env);
    expect(named.exitCode).toBe(0);
    expect(receiver.events.map((e) => e.message)).toEqual([
      'Payment failed: timeout',
      'a',
      'b',
      'Login failed for user alice: invalid password',
    ]);
  });

  it('send-log --rate --duration generates at the rate and reports exact counts as JSON', async () => {
    receiver.reset();
    const result = await runCli(
      ['send-log', '--vector-url', receiver.url, '--template', 'checkout-order', '--rate', '300', '--duration', '2', '--json-report'],
      env,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      id: string;
      generated: number;
      sent: number;
      accepted: number;
      failed: number;
      state: string;
    };
    expect(report).toMatchObject({ state: 'done', generated: 600, sent: 600, accepted: 600, failed: 0 });
    expect(receiver.accepted).toBe(600);
    expect(receiver.events.find((e) => e.seq === 0)).toMatchObject({ order_id: '18734', logclaw_run: report.id });
    expect(result.stderr).toMatch(/sent \d+ {2}accepted \d+/);
  });

  it('send-log says what is wrong: bad JSON, Vector down', async () => {
    const bad = await runCli(['send-log', '--vector-url', receiver.url, '--json', '{nope'], env);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^error \[INVALID_REQUEST\]: --json is not valid JSON/);
    const down = await runCli(['send-log', '--vector-url', 'http://127.0.0.1:1'], env);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toMatch(/^error \[VECTOR_UNREACHABLE\]: Vector at http:\/\/127\.0\.0\.1:1 is not reachable/);
    expect(down.stderr).toMatch(/\nhint: /);
  });

  it('send-anomaly produces a schema-valid event; an invalid severity is refused and nothing is produced', async () => {
    const result = await runCli(
      [
        'send-anomaly',
        '--service',
        'payment-api',
        '--severity',
        'high',
        '--score',
        '0.8',
        '--message',
        'p99 latency 4s',
        '--kafka-brokers',
        brokers,
        '--json',
      ],
      env,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const produced = JSON.parse(result.stdout) as { partition: number; offset: string; event: unknown };
    const read = await readKafkaAt(brokers, 'anomaly-events', produced.partition, produced.offset);
    expect(AnomalyEvent.parse(JSON.parse(read.value))).toEqual(produced.event);
    // The app's own anomalies are marked synthetic: the ticketing agent keeps them from real platforms.
    expect(produced.event).toMatchObject({ service: 'payment-api', severity: 'high', score: 0.8, synthetic: true });
    const text = await runCli(
      ['send-anomaly', '--service', 'payment-api', '--severity', 'critical', '--score', '0.92', '--kafka-brokers', brokers],
      env,
    );
    expect(text.stdout).toMatch(/^produced ANO-[0-9A-F]{8} \(critical, score 0\.92\) to anomaly-events partition \d+ offset \d+$/);

    const invalid = await runCli(
      ['send-anomaly', '--service', 'payment-api', '--severity', 'urgent', '--score', '2', '--kafka-brokers', brokers],
      env,
    );
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toMatch(/^error \[INVALID_REQUEST\]: .*severity/);
    expect(invalid.stderr).toContain('score must be from 0 to 1');
  });

  it('trace prints each hop with its latency; --json gives the whole result', async () => {
    const result = await runCli(
      ['trace', '--vector-url', receiver.url, '--kafka-brokers', brokers, '--opensearch-url', osUrl, '--timeout', '30'],
      env,
    );
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    const lines = result.stdout.split('\n');
    traced.push(/^trace (\S+)/.exec(lines[0]!)![1]!);
    expect(lines[0]).toMatch(/^trace lct[0-9a-f]{20} via http:\/\/127\.0\.0\.1:\d+: reached every hop$/);
    expect(lines[1]).toMatch(/^✓ Vector HTTP source\s+\d+ ms\s+HTTP 200 in \d+ ms$/);
    expect(lines[2]).toMatch(/^✓ Kafka raw-logs\s+\d+ ms\s+partition \d+ offset \d+ · ingest_timestamp \S+$/);
    expect(lines[3]).toMatch(/^✓ OpenSearch\s+\d+ ms\s+logclaw-logs-\d{4}\.\d{2}\.\d{2} · _id \S+$/);

    const missing = await runCli(
      [
        'trace',
        '--vector-url',
        receiver.url,
        '--kafka-brokers',
        brokers,
        '--opensearch-url',
        osUrl,
        '--index',
        'logclaw-nothing-here-*',
        '--timeout',
        '3',
        '--json',
      ],
      env,
    );
    expect(missing.exitCode).toBe(1);
    const body = JSON.parse(missing.stdout) as {
      traceId: string;
      stoppedAt: string;
      hops: Array<{ state: string; reason: string | null }>;
    };
    traced.push(body.traceId);
    expect(body.stoppedAt).toBe('opensearch');
    expect(body.hops[2]!.reason).toMatch(/^index missing/);
  });
});
