// Helpers for the workload process tests: the ticketing agent run as its own process (as the chart
// runs it: --config file, secrets in the environment), the FAKE platforms with their secrets, and
// a collector that reads a topic from the start and lets a test wait for what it expects.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildProcess, spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { stringify } from 'yaml';
import { startSink, type Sink } from '../../workloads/ticket-sink/sink.js';
import type { TicketEvent } from '../../workloads/ticketing-agent/agent.js';
import { type FakeJira, startFakeJira } from '../fakes/platforms/jira.js';
import { type FakeOpsGenie, startFakeOpsGenie } from '../fakes/platforms/opsgenie.js';
import { type FakePagerDuty, startFakePagerDuty } from '../fakes/platforms/pagerduty.js';
import { type FakeServiceNow, startFakeServiceNow } from '../fakes/platforms/servicenow.js';
import { type FakeSlack, startFakeSlack } from '../fakes/platforms/slack.js';
import { type FakeZammad, startFakeZammad } from '../fakes/platforms/zammad.js';
import { uniqueTopic } from '../kafka/support.js';

const repo = join(import.meta.dirname, '..', '..');
const secret = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

export interface Platforms {
  pagerduty: FakePagerDuty;
  opsgenie: FakeOpsGenie;
  jira: FakeJira;
  servicenow: FakeServiceNow;
  slack: FakeSlack;
  zammad: FakeZammad;
  sink: Sink;
  /** The agent's environment: one secret per variable (config.ts lists them). */
  env: Record<string, string>;
  /** The config.yaml `platforms` section pointing at the fakes. */
  settings: Record<string, unknown>;
  /** Texts that must never leave the agent. */
  secrets: string[];
  close(): Promise<void>;
}

export async function startPlatforms(): Promise<Platforms> {
  const env = {
    PAGERDUTY_ROUTING_KEY: secret('pdkey'),
    OPSGENIE_API_KEY: secret('ogkey'),
    JIRA_EMAIL: 'agent-fake@example.com',
    JIRA_API_TOKEN: secret('jiratoken'),
    SERVICENOW_USERNAME: 'logclaw-fake',
    SERVICENOW_PASSWORD: secret('snowpass'),
    ZAMMAD_API_TOKEN: secret('zammadtoken'),
    WEBHOOK_TOKEN: secret('hooktoken'),
    LLM_API_KEY: secret('llmkey'),
    SLACK_WEBHOOK_URL: '',
  };
  const [pagerduty, opsgenie, jira, servicenow, slack, zammad, sink] = await Promise.all([
    startFakePagerDuty(env.PAGERDUTY_ROUTING_KEY),
    startFakeOpsGenie(env.OPSGENIE_API_KEY),
    startFakeJira({ email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN, projectKey: 'OPS' }),
    startFakeServiceNow({ username: env.SERVICENOW_USERNAME, password: env.SERVICENOW_PASSWORD }),
    startFakeSlack(),
    startFakeZammad({ token: env.ZAMMAD_API_TOKEN }),
    startSink({ port: 0, host: '127.0.0.1' }),
  ]);
  env.SLACK_WEBHOOK_URL = slack.webhookUrl;
  const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
  return {
    pagerduty,
    opsgenie,
    jira,
    servicenow,
    slack,
    zammad,
    sink,
    env,
    settings: {
      pagerduty: { eventsUrl: `${pagerduty.url}/v2/enqueue` },
      opsgenie: { apiUrl: opsgenie.url },
      jira: { baseUrl: jira.url, projectKey: 'OPS', issueType: 'Incident' },
      servicenow: { instanceUrl: servicenow.url },
      slack: { channel: '#incidents' },
      zammad: { url: zammad.url, group: 'Users', customer: 'oncall@example.com' },
      webhook: { url: `http://127.0.0.1:${sink.port}/tickets` },
    },
    secrets: [
      ...Object.values(env).filter((value) => !value.includes('@') && value !== 'logclaw-fake'),
      new URL(slack.webhookUrl).pathname,
      basic(env.JIRA_EMAIL, env.JIRA_API_TOKEN),
      basic(env.SERVICENOW_USERNAME, env.SERVICENOW_PASSWORD),
    ],
    close: async () => {
      await Promise.all([pagerduty, opsgenie, jira, servicenow, slack, zammad, sink].map((server) => server.close()));
    },
  };
}

export interface Topics {
  input: string;
  output: string;
  deadLetter: string;
}

export async function createTopics(kafka: Kafka, partitions = 1): Promise<Topics> {
  const topics = { input: uniqueTopic('anomalies'), output: uniqueTopic('tickets'), deadLetter: uniqueTopic('dead') };
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: Object.values(topics).map((topic) => ({ topic, numPartitions: topic === topics.input ? partitions : 1, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  return topics;
}

export function writeConfig(
  dir: string,
  brokers: string,
  topics: Topics,
  platforms: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): string {
  const path = join(dir, `config-${randomBytes(3).toString('hex')}.yaml`);
  const config = {
    tenant: 'test',
    platforms,
    llm: { provider: 'disabled', model: '', endpoint: '' },
    kafka: {
      bootstrapServers: brokers,
      inputTopic: topics.input,
      outputTopic: topics.output,
      deadLetterTopic: topics.deadLetter,
      consumerGroup: uniqueTopic('agent'),
    },
    retry: { attempts: 4, baseMs: 20, maxMs: 2000 },
    requestTimeoutMs: 5000,
    http: { port: 0 },
    ...extra,
  };
  writeFileSync(path, stringify(config));
  return path;
}

export interface AgentProcess {
  child: ChildProcess;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** The port of its /health, /metrics, /tickets (from its start line). */
  port: Promise<number>;
  exited: Promise<number | null>;
}

export function spawnAgent(config: string, env: Record<string, string>): AgentProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'workloads/ticketing-agent/main.ts'), '--config', config], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let resolvePort: (port: number) => void;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    resolvePort = resolve;
    void exited.then((code) => reject(new Error(`the agent exited (${code}) before it started:\n${output}`)));
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const started = /"msg":"ticketing agent started","port":(\d+)/.exec(output);
    if (started) resolvePort(Number(started[1]));
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return { child, output: () => output, port, exited };
}

export async function stopAgent(agent: AgentProcess): Promise<void> {
  if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGTERM');
  await agent.exited;
}

export interface Collector<T> {
  records: T[];
  texts: string[];
  /** Resolves once `ready(records)` holds. */
  until(ready: (records: T[]) => boolean): Promise<T[]>;
  stop(): Promise<void>;
}

export async function collect<T = TicketEvent>(brokers: string, topic: string): Promise<Collector<T>> {
  const kafka = new Kafka({ clientId: 'logclaw-test-collector', brokers: [brokers], logLevel: logLevel.NOTHING });
  const records: T[] = [];
  const texts: string[] = [];
  const waiters: { ready: (records: T[]) => boolean; resolve: (records: T[]) => void }[] = [];
  const consumer = kafka.consumer({ groupId: uniqueTopic('collector') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const text = message.value?.toString('utf8') ?? '';
      texts.push(text);
      records.push(JSON.parse(text) as T);
      for (const waiter of waiters.filter((w) => w.ready(records))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(records);
      }
    },
  });
  return {
    records,
    texts,
    until: (ready) => (ready(records) ? Promise.resolve(records) : new Promise((resolve) => waiters.push({ ready, resolve }))),
    stop: () => consumer.disconnect(),
  };
}

/** Outcomes only (a create announced as pending is followed by its outcome). */
export const outcomes = (records: TicketEvent[]) => records.filter((record) => record.status !== 'pending');

export function anomaly(id: string, severity: 'critical' | 'high' | 'medium' | 'low', extra: Record<string, unknown> = {}) {
  return {
    anomaly_id: id,
    service: 'payment-api',
    score: 0.92,
    severity,
    message: 'Error rate spike to 15%',
    timestamp: new Date().toISOString(),
    incident_key: `inc-${id}`,
    status: 'open',
    evidence: {
      window: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:00:10Z' },
      counts: { events: 120, errors: 18 },
      baseline: { windows: 12, median: 1, mad: 0.5 },
      samples: ['payment declined: upstream timeout after 3000 ms', 'POST /charge 503'],
      trace_ids: ['4bf92f3577b34da6a3ce929d0e0e4736'],
    },
    ...extra,
  };
}

export async function produce(kafka: Kafka, topic: string, events: Record<string, unknown>[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: events.map((event) => ({ key: String(event.incident_key ?? event.anomaly_id), value: JSON.stringify(event) })),
  });
  await producer.disconnect();
}
