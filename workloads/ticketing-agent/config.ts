// The ticketing agent's settings: config.yaml (charts/logclaw-ticketing-agent templates/_helpers.tpl,
// `logclaw-ticketing-agent.config`) for everything that is not secret, environment variables for
// everything that is. Secrets are read here and nowhere else, and every value read is registered so
// the agent can blank it out of anything it writes (logs, ticket-events, the dead-letter topic).
//
// Environment variables (secrets, filled by the chart from Secret logclaw-ticketing-agent-<tenant>-<platform>):
//   pagerduty   PAGERDUTY_ROUTING_KEY            Events API v2 integration key (routing_key)
//   opsgenie    OPSGENIE_API_KEY                 Alert API key (Authorization: GenieKey …)
//   jira        JIRA_EMAIL, JIRA_API_TOKEN       Jira Cloud basic auth (email:api-token)
//   servicenow  SERVICENOW_USERNAME, SERVICENOW_PASSWORD   Table API basic auth
//   slack       SLACK_WEBHOOK_URL                incoming webhook URL (the URL is the credential)
//   zammad      ZAMMAD_API_TOKEN                 Authorization: Token token=…
//   webhook     WEBHOOK_TOKEN                    optional; sent as Authorization: Bearer …
//   LLM         LLM_API_KEY                      claude / openai (and vllm when it needs one)
//   Kafka       KAFKA_PASSWORD                   SCRAM password with the tls listener
// Not secret, from the chart's logclaw.kafka.env (override config.kafka): KAFKA_BOOTSTRAP_SERVERS,
// KAFKA_SECURITY_PROTOCOL (PLAINTEXT | SASL_SSL), KAFKA_SASL_MECHANISM, KAFKA_USERNAME, KAFKA_CA_FILE;
// LLM_PROVIDER, LLM_MODEL, LLM_ENDPOINT override config.llm.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

export const PLATFORMS = ['pagerduty', 'opsgenie', 'jira', 'servicenow', 'slack', 'zammad', 'webhook'] as const;
export type Platform = (typeof PLATFORMS)[number];

const Platforms = z
  .object({
    pagerduty: z.object({
      eventsUrl: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
      severityMap: z.record(z.string(), z.enum(['critical', 'error', 'warning', 'info'])).default({}),
    }),
    opsgenie: z.object({ apiUrl: z.string().url().default('https://api.opsgenie.com'), team: z.string().default('') }),
    jira: z.object({ baseUrl: z.string().url(), projectKey: z.string().min(1), issueType: z.string().default('Incident') }),
    servicenow: z.object({ instanceUrl: z.string().url(), assignmentGroup: z.string().default('') }),
    slack: z.object({ channel: z.string().default('') }),
    zammad: z.object({
      url: z.string().url(),
      group: z.string().default('Users'),
      customer: z.string().default('logclaw-agent@localhost'),
    }),
    webhook: z.object({ url: z.string().url() }),
  })
  .partial();

const Severities = z.enum(['critical', 'high', 'medium', 'low']);

export const AgentConfig = z.object({
  tenant: z.string().default('default'),
  routing: z.partialRecord(Severities, z.array(z.enum(PLATFORMS)).nullable()).default({}),
  /** Which platforms are on, with their settings (the chart lists the enabled ones only). */
  platforms: Platforms.default({}),
  /** Anomalies marked synthetic (the app's tools) reach only the webhook sink unless this is on. */
  syntheticToAllPlatforms: z.boolean().default(false),
  llm: z
    .object({
      provider: z.enum(['claude', 'openai', 'ollama', 'vllm', 'disabled']).default('disabled'),
      model: z.string().default(''),
      endpoint: z.string().default(''),
      timeoutMs: z.number().int().positive().default(10_000),
    })
    .default({ provider: 'disabled', model: '', endpoint: '', timeoutMs: 10_000 }),
  kafka: z.object({
    bootstrapServers: z.string().default(''),
    inputTopic: z.string().default('anomaly-events'),
    outputTopic: z.string().default('ticket-events'),
    deadLetterTopic: z.string().default('ticket-dead-letters'),
    consumerGroup: z.string().default('logclaw-ticketing-agent'),
    /** Input partitions handled at the same time. */
    partitionsConcurrently: z.number().int().min(1).default(3),
  }),
  retry: z
    .object({
      attempts: z.number().int().min(1).default(5),
      baseMs: z.number().int().min(0).default(500),
      maxMs: z.number().int().min(0).default(30_000),
    })
    .default({ attempts: 5, baseMs: 500, maxMs: 30_000 }),
  /** Per request to a platform. */
  requestTimeoutMs: z.number().int().positive().default(15_000),
  http: z.object({ port: z.number().int().min(0).default(8080) }).default({ port: 8080 }),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export interface Secrets {
  pagerdutyRoutingKey?: string;
  opsgenieApiKey?: string;
  jiraEmail?: string;
  jiraApiToken?: string;
  servicenowUsername?: string;
  servicenowPassword?: string;
  slackWebhookUrl?: string;
  zammadApiToken?: string;
  webhookToken?: string;
  llmApiKey?: string;
  kafkaPassword?: string;
}

const SECRET_ENV: Record<keyof Secrets, string> = {
  pagerdutyRoutingKey: 'PAGERDUTY_ROUTING_KEY',
  opsgenieApiKey: 'OPSGENIE_API_KEY',
  jiraEmail: 'JIRA_EMAIL',
  jiraApiToken: 'JIRA_API_TOKEN',
  servicenowUsername: 'SERVICENOW_USERNAME',
  servicenowPassword: 'SERVICENOW_PASSWORD',
  slackWebhookUrl: 'SLACK_WEBHOOK_URL',
  zammadApiToken: 'ZAMMAD_API_TOKEN',
  webhookToken: 'WEBHOOK_TOKEN',
  llmApiKey: 'LLM_API_KEY',
  kafkaPassword: 'KAFKA_PASSWORD',
};

/** What each enabled platform cannot work without. */
const REQUIRED: Record<Platform, (keyof Secrets)[]> = {
  pagerduty: ['pagerdutyRoutingKey'],
  opsgenie: ['opsgenieApiKey'],
  jira: ['jiraEmail', 'jiraApiToken'],
  servicenow: ['servicenowUsername', 'servicenowPassword'],
  slack: ['slackWebhookUrl'],
  zammad: ['zammadApiToken'],
  webhook: [],
};

export function readSecrets(env: NodeJS.ProcessEnv): Secrets {
  const secrets: Secrets = {};
  for (const [field, name] of Object.entries(SECRET_ENV) as [keyof Secrets, string][]) {
    const value = env[name]?.trim();
    if (value) secrets[field] = value;
  }
  return secrets;
}

/** Blanks every secret value (and its basic-auth encoding) out of a text before it leaves the process. */
export function redactor(secrets: Secrets): (text: string) => string {
  const values = Object.values(secrets).filter((value): value is string => typeof value === 'string' && value.length >= 4);
  if (secrets.jiraEmail && secrets.jiraApiToken)
    values.push(Buffer.from(`${secrets.jiraEmail}:${secrets.jiraApiToken}`).toString('base64'));
  if (secrets.servicenowUsername && secrets.servicenowPassword)
    values.push(Buffer.from(`${secrets.servicenowUsername}:${secrets.servicenowPassword}`).toString('base64'));
  values.sort((a, b) => b.length - a.length);
  return (text) => values.reduce((out, value) => out.split(value).join('[redacted]'), text);
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv): { config: AgentConfig; secrets: Secrets } {
  const raw = (parse(readFileSync(path, 'utf8')) ?? {}) as Record<string, unknown>;
  const config = AgentConfig.parse(raw);
  if (env.KAFKA_BOOTSTRAP_SERVERS) config.kafka.bootstrapServers = env.KAFKA_BOOTSTRAP_SERVERS;
  if (env.LLM_PROVIDER) config.llm.provider = AgentConfig.shape.llm.unwrap().shape.provider.parse(env.LLM_PROVIDER);
  if (env.LLM_MODEL) config.llm.model = env.LLM_MODEL;
  if (env.LLM_ENDPOINT) config.llm.endpoint = env.LLM_ENDPOINT;
  if (!config.kafka.bootstrapServers) throw new Error('kafka.bootstrapServers (or KAFKA_BOOTSTRAP_SERVERS) is required');
  const secrets = readSecrets(env);
  for (const platform of PLATFORMS) {
    if (!config.platforms[platform]) continue;
    const missing = REQUIRED[platform].filter((field) => !secrets[field]).map((field) => SECRET_ENV[field]);
    if (missing.length) throw new Error(`${platform} is enabled but ${missing.join(', ')} is not set`);
  }
  for (const [severity, targets] of Object.entries(config.routing)) {
    for (const target of targets ?? [])
      if (!config.platforms[target]) throw new Error(`routing.${severity} names ${target}, which is not under platforms`);
  }
  return { config, secrets };
}
