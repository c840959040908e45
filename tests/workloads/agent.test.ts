// The ticketing agent as a process against the real Kafka of the test environment and the FAKE
// incident platforms (tests/fakes/platforms, each checking requests against the platform's
// published API description) and FAKE LLM (tests/fakes/llm.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTestEnv } from '../support/test-env.js';
import { rawKafka } from '../kafka/support.js';
import { type FakeLlm, startFakeLlm } from '../fakes/llm.js';
import type { TicketEvent } from '../../workloads/ticketing-agent/agent.js';
import { fallbackSummary } from '../../workloads/ticketing-agent/llm.js';
import type { Anomaly } from '../../workloads/ticketing-agent/anomaly.js';
import {
  type AgentProcess,
  type Collector,
  type Platforms,
  anomaly,
  collect,
  createTopics,
  outcomes,
  produce,
  spawnAgent,
  startPlatforms,
  stopAgent,
  writeConfig,
} from './support.js';

const ALL = ['pagerduty', 'opsgenie', 'jira', 'servicenow', 'slack', 'zammad', 'webhook'] as const;
const LLM_ANSWER = 'FAKE LLM: the payment-api upstream times out; check the card processor connection pool first.';

let kafka: Kafka;
let brokers: string;
let dir: string;
let platforms: Platforms;
const agents: AgentProcess[] = [];
const collectors: Collector<unknown>[] = [];
const llms: FakeLlm[] = [];

beforeAll(async () => {
  ({ brokers } = (await useTestEnv('kafka')).kafka);
  kafka = rawKafka(brokers);
  dir = mkdtempSync(join(tmpdir(), 'logclaw-agent-'));
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') for (const agent of agents) process.stderr.write(`agent output:\n${agent.output()}\n`);
  await Promise.all(agents.splice(0).map(stopAgent));
  await Promise.all(collectors.splice(0).map((collector) => collector.stop()));
  await Promise.all(llms.splice(0).map((llm) => llm.close()));
  await platforms?.close();
});

async function setUp(extra: Record<string, unknown>, partitions = 1) {
  platforms = await startPlatforms();
  const topics = await createTopics(kafka, partitions);
  const config = writeConfig(dir, brokers, topics, platforms.settings, extra);
  const events = await collect(brokers, topics.output);
  const deadLetters = await collect<Record<string, unknown>>(brokers, topics.deadLetter);
  collectors.push(events as Collector<unknown>, deadLetters as Collector<unknown>);
  const start = () => {
    const agent = spawnAgent(config, platforms.env);
    agents.push(agent);
    return agent;
  };
  return { topics, events, deadLetters, start };
}

/** No secret value in anything the agent wrote: its output, ticket-events, dead letters, LLM prompts. */
function expectNoSecrets(texts: string[]) {
  const all = texts.join('\n');
  for (const value of platforms.secrets) expect(all.includes(value), `a secret (${value.slice(0, 6)}…) leaked`).toBe(false);
}

function expectValidRequests() {
  for (const fake of [platforms.pagerduty, platforms.opsgenie, platforms.jira, platforms.servicenow, platforms.slack, platforms.zammad])
    expect(fake.violations, `${fake.name} requests`).toEqual([]);
}

const get = async (port: number, path: string) => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
};

describe('ticketing agent', () => {
  it('routes each severity to exactly its platforms, one ticket per incident updated in place, with the LLM summary and Retry-After honoured', async () => {
    const llm = await startFakeLlm({ answer: LLM_ANSWER });
    llms.push(llm);
    const { topics, events, start } = await setUp({
      routing: { critical: [...ALL], high: ['pagerduty', 'slack'], medium: ['jira', 'zammad'], low: [] },
      llm: { provider: 'openai', model: 'gpt-fake', endpoint: llm.openaiEndpoint, timeoutMs: 5000 },
    });
    platforms.pagerduty.failNext(1, {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { status: 'throttled', message: 'Too many requests' },
    });
    platforms.slack.failNext(1, { status: 503, body: 'service_unavailable' });
    const agent = start();
    const a = anomaly('A1', 'critical');
    await produce(kafka, topics.input, [
      a,
      anomaly('B1', 'medium'),
      anomaly('C1', 'low'),
      { ...anomaly('A2', 'critical'), incident_key: 'inc-A1', status: 'update' },
      { ...anomaly('A3', 'critical'), incident_key: 'inc-A1', status: 'closed' },
    ]);
    const done = await events.until((records) => outcomes(records).length >= 7 + 2 + 7 + 7);
    const results = outcomes(done);
    const by = (id: string) => Object.fromEntries(results.filter((r) => r.anomaly_id === id).map((r) => [r.platform, r.status]));
    expect(by('A1')).toEqual(Object.fromEntries(ALL.map((p) => [p, 'created'])));
    expect(by('B1')).toEqual({ jira: 'created', zammad: 'created' });
    expect(by('C1')).toEqual({});
    expect(by('A2')).toEqual(Object.fromEntries(ALL.map((p) => [p, 'updated'])));
    expect(by('A3')).toEqual(Object.fromEntries(ALL.map((p) => [p, 'updated'])));
    // One ticket per incident per platform, updated the way each platform does it.
    expect([...platforms.pagerduty.alerts.entries()]).toEqual([['inc-A1', expect.objectContaining({ triggers: 2, resolved: true })]]);
    expect([...platforms.opsgenie.alerts.entries()]).toEqual([
      ['inc-A1', expect.objectContaining({ count: 1, closed: true, notes: [expect.any(String), expect.any(String)] })],
    ]);
    expect([...platforms.jira.issues.values()].map((issue) => [issue.labels[1], issue.comments.length])).toEqual([
      ['logclaw-inc-A1', 2],
      ['logclaw-inc-B1', 0],
    ]);
    expect([...platforms.servicenow.incidents.values()].map((i) => [i.record.correlation_id, i.workNotes.length])).toEqual([['inc-A1', 2]]);
    expect(platforms.slack.messages).toHaveLength(3);
    expect(
      [...platforms.zammad.tickets.values()].map((t) => [
        t.title.endsWith('[inc-A1]') || t.title.endsWith('[inc-B1]'),
        t.articles.length,
        t.state,
      ]),
    ).toEqual([
      [true, 3, 'closed'],
      [true, 1, 'new'],
    ]);
    expect(platforms.sink.received().map((r) => (r.body as { action: string }).action)).toEqual(['create', 'update', 'close']);
    // Retry-After and 5xx: retried, counted.
    const a1 = results.filter((r) => r.anomaly_id === 'A1');
    expect(a1.find((r) => r.platform === 'pagerduty')).toMatchObject({ retries: 1, ticket_id: 'inc-A1' });
    expect(a1.find((r) => r.platform === 'slack')).toMatchObject({ retries: 1 });
    expect(a1.find((r) => r.platform === 'pagerduty')!.latency_ms).toBeGreaterThanOrEqual(1000);
    expect(a1.find((r) => r.platform === 'jira')).toMatchObject({ ticket_id: 'OPS-1', ticket_url: `${platforms.jira.url}/browse/OPS-1` });
    // The summary is the LLM's, from a prompt holding the evidence.
    expect(results.every((r) => r.summary === LLM_ANSWER && r.summary_source === 'llm')).toBe(true);
    expect(llm.problems).toEqual([]);
    expect(llm.prompts).toHaveLength(4);
    expect(llm.prompts[0]!.messages[1]!.content).toContain('payment declined: upstream timeout after 3000 ms');
    expect(llm.prompts[0]!.authorization).toBe(`Bearer ${platforms.env.LLM_API_KEY}`);
    expectValidRequests();
    // The HTTP face: latest outcome per incident and platform.
    const port = await agent.port;
    const tickets = JSON.parse((await get(port, '/tickets')).text) as { tickets: TicketEvent[] };
    expect(tickets.tickets).toHaveLength(9);
    expect(tickets.tickets.filter((t) => t.incident_key === 'inc-A1').every((t) => t.anomaly_id === 'A3')).toBe(true);
    expect((await get(port, '/health')).status).toBe(200);
    expect((await get(port, '/metrics')).text).toContain('ticketing_outcomes_total{platform="jira",status="created"} 2');
    expectNoSecrets([agent.output(), ...events.texts, ...llm.prompts.map((p) => JSON.stringify(p.messages))]);
  });

  it('retries a platform that is down, then dead-letters its record with the reason; the other platforms get their tickets', async () => {
    const { topics, events, deadLetters, start } = await setUp({ routing: { critical: ['servicenow', 'jira', 'webhook'] } });
    platforms.servicenow.down({ status: 503, body: { error: { message: 'FAKE instance hibernating' }, status: 'failure' } });
    const agent = start();
    await produce(kafka, topics.input, [anomaly('D1', 'critical')]);
    const results = outcomes(await events.until((records) => outcomes(records).length >= 3));
    expect(Object.fromEntries(results.map((r) => [r.platform, r.status]))).toEqual({
      servicenow: 'dead-lettered',
      jira: 'created',
      webhook: 'created',
    });
    expect(results.find((r) => r.platform === 'servicenow')).toMatchObject({ retries: 3, reason: expect.stringContaining('HTTP 503') });
    expect(platforms.servicenow.requests).toHaveLength(4);
    const [dead] = await deadLetters.until((records) => records.length >= 1);
    expect(dead).toMatchObject({
      platform: 'servicenow',
      status: 'dead-lettered',
      incident_key: 'inc-D1',
      attempts: 4,
      reason: expect.stringContaining('HTTP 503'),
    });
    expect((dead!.anomaly as Anomaly).anomaly_id).toBe('D1');
    expectValidRequests();
    expectNoSecrets([agent.output(), ...events.texts, ...deadLetters.texts]);
  });

  it('killed mid-burst (SIGKILL while a create is unanswered) and restarted: exactly one ticket per incident per platform', async () => {
    const routed = ['pagerduty', 'opsgenie', 'jira', 'servicenow', 'zammad', 'webhook'] as const;
    const { topics, events, start } = await setUp({ routing: { critical: [...routed] } }, 3);
    const incidents = Array.from({ length: 10 }, (_, i) => `K${i}`);
    const burst = incidents.flatMap((id) => [
      anomaly(`${id}-open`, 'critical', { incident_key: `inc-${id}` }),
      anomaly(`${id}-update`, 'critical', { incident_key: `inc-${id}`, status: 'update' }),
    ]);
    // The platforms carry out these creates but their answers are lost: the agent dies not knowing.
    const held = Promise.all([
      platforms.jira.holdAnswers((r) => r.method === 'POST' && JSON.stringify(r.body).includes('logclaw-inc-K5')),
      platforms.servicenow.holdAnswers((r) => r.method === 'POST' && JSON.stringify(r.body).includes('"correlation_id":"inc-K5"')),
      platforms.zammad.holdAnswers((r) => r.path === '/api/v1/tickets' && JSON.stringify(r.body).includes('[inc-K5]')),
      platforms.opsgenie.holdAnswers((r) => r.path === '/v2/alerts' && JSON.stringify(r.body).includes('"alias":"inc-K5"')),
      platforms.pagerduty.holdAnswers((r) => JSON.stringify(r.body).includes('"dedup_key":"inc-K5"')),
    ]);
    const first = start();
    await produce(kafka, topics.input, burst);
    await held;
    first.child.kill('SIGKILL');
    await first.exited;
    for (const fake of [platforms.jira, platforms.servicenow, platforms.zammad, platforms.opsgenie, platforms.pagerduty])
      fake.stopHolding();
    const before = outcomes(events.records).length;
    expect(before).toBeLessThan(burst.length * routed.length);
    const second = start();
    const expected = burst.length * routed.length;
    const all = await events.until((records) => new Set(outcomes(records).map((r) => `${r.anomaly_id}/${r.platform}`)).size >= expected);
    expect(outcomes(all).every((r) => r.status === 'created' || r.status === 'updated')).toBe(true);
    const keys = incidents.map((id) => `inc-${id}`).sort();
    expect([...platforms.pagerduty.alerts.keys()].sort()).toEqual(keys);
    expect([...platforms.opsgenie.alerts.keys()].sort()).toEqual(keys);
    expect([...platforms.jira.issues.values()].map((issue) => issue.labels[1]).sort()).toEqual(keys.map((key) => `logclaw-${key}`));
    expect([...platforms.servicenow.incidents.values()].map((i) => i.record.correlation_id).sort()).toEqual(keys);
    expect([...platforms.zammad.tickets.values()].map((t) => /\[(inc-K\d)\]$/.exec(t.title)?.[1]).sort()).toEqual(keys);
    const creates = platforms.sink.received().filter((r) => (r.body as { action: string }).action === 'create');
    expect(creates.map((r) => (r.body as { incident_key: string }).incident_key).sort()).toEqual(keys);
    // The doubtful creates were resolved by asking the platform, not by creating again.
    const k5 = outcomes(all).filter((r) => r.anomaly_id === 'K5-open');
    for (const platform of ['jira', 'servicenow', 'zammad'])
      expect(k5.find((r) => r.platform === platform)).toMatchObject({ status: 'created', reason: 'found at the platform after a restart' });
    expectValidRequests();
    expectNoSecrets([first.output(), second.output(), ...events.texts]);
  });

  it('uses an Ollama-shaped LLM for the summary', async () => {
    const llm = await startFakeLlm({ answer: LLM_ANSWER });
    llms.push(llm);
    const { topics, events, start } = await setUp({
      routing: { high: ['webhook'] },
      llm: { provider: 'ollama', model: 'llama3.2:3b', endpoint: llm.url, timeoutMs: 5000 },
    });
    const agent = start();
    await produce(kafka, topics.input, [anomaly('O1', 'high')]);
    const [result] = outcomes(await events.until((records) => outcomes(records).length >= 1));
    expect(result).toMatchObject({ platform: 'webhook', status: 'created', summary: LLM_ANSWER, summary_source: 'llm' });
    expect(llm.prompts.map((p) => [p.api, p.model, p.authorization])).toEqual([['ollama', 'llama3.2:3b', undefined]]);
    expect(llm.problems).toEqual([]);
    expectNoSecrets([agent.output(), ...events.texts, ...llm.prompts.map((p) => JSON.stringify(p.messages))]);
  });

  it('falls back to the plain summary when the LLM does not answer within its timeout', async () => {
    const llm = await startFakeLlm({ answer: LLM_ANSWER, slow: true });
    llms.push(llm);
    const { topics, events, start } = await setUp({
      routing: { critical: ['webhook', 'jira'] },
      llm: { provider: 'vllm', model: 'mistral-fake', endpoint: llm.openaiEndpoint, timeoutMs: 300 },
    });
    const agent = start();
    const event = anomaly('S1', 'critical');
    await produce(kafka, topics.input, [event]);
    const results = outcomes(await events.until((records) => outcomes(records).length >= 2));
    expect(llm.prompts).toHaveLength(1);
    for (const result of results) {
      expect(result).toMatchObject({ status: 'created', summary_source: 'fallback', summary: fallbackSummary(event as Anomaly) });
      expect(result.latency_ms).toBeGreaterThanOrEqual(300);
    }
    expect(agent.output()).toContain('timed out after 300 ms');
    expectNoSecrets([agent.output(), ...events.texts]);
  });

  it('sends synthetic anomalies only to the local sink unless syntheticToAllPlatforms is on', async () => {
    const routing = { critical: ['pagerduty', 'jira', 'webhook'] };
    const off = await setUp({ routing });
    const agent = off.start();
    await produce(kafka, off.topics.input, [anomaly('Y1', 'critical', { synthetic: true })]);
    const results = outcomes(await off.events.until((records) => outcomes(records).length >= 3));
    expect(Object.fromEntries(results.map((r) => [r.platform, r.status]))).toEqual({
      pagerduty: 'skipped',
      jira: 'skipped',
      webhook: 'created',
    });
    expect(platforms.pagerduty.requests).toHaveLength(0);
    expect(platforms.jira.requests).toHaveLength(0);
    expect(platforms.sink.received()).toHaveLength(1);
    expectNoSecrets([agent.output(), ...off.events.texts]);
    await stopAgent(agent);
    await platforms.close();

    const on = await setUp({ routing, syntheticToAllPlatforms: true });
    on.start();
    await produce(kafka, on.topics.input, [anomaly('Y2', 'critical', { synthetic: true })]);
    const opted = outcomes(await on.events.until((records) => outcomes(records).length >= 3));
    expect(Object.fromEntries(opted.map((r) => [r.platform, r.status]))).toEqual({
      pagerduty: 'created',
      jira: 'created',
      webhook: 'created',
    });
    expectValidRequests();
  });
});
