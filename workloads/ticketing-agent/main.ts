// Entry of the ticketing agent: `main.ts --config /etc/logclaw/config.yaml` (the chart's ConfigMap),
// secrets from the environment (config.ts lists them). Logs are JSON lines on stdout, secrets blanked.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kafka, type KafkaConfig, type LogEntry, logLevel } from 'kafkajs';
import { serveWorkload } from '../shared/http.js';
import { startAgent } from './agent.js';
import { type Secrets, loadConfig, redactor } from './config.js';

const { values } = parseArgs({ options: { config: { type: 'string', default: '/etc/logclaw/config.yaml' } } });
const { config, secrets } = loadConfig(values.config!, process.env);
const redact = redactor(secrets);
const log = (line: Record<string, unknown>) =>
  process.stdout.write(`${redact(JSON.stringify({ at: new Date().toISOString(), ...line }))}\n`);

function kafkaConfig(env: NodeJS.ProcessEnv, secrets: Secrets): KafkaConfig {
  const secure = env.KAFKA_SECURITY_PROTOCOL === 'SASL_SSL';
  const mechanism = (env.KAFKA_SASL_MECHANISM ?? 'SCRAM-SHA-512').toLowerCase() as 'scram-sha-512' | 'scram-sha-256' | 'plain';
  return {
    clientId: 'logclaw-ticketing-agent',
    brokers: config.kafka.bootstrapServers.split(',').map((broker) => broker.trim()),
    ...(secure
      ? {
          ssl: env.KAFKA_CA_FILE ? { ca: [readFileSync(env.KAFKA_CA_FILE, 'utf8')] } : true,
          sasl: { mechanism, username: env.KAFKA_USERNAME ?? '', password: secrets.kafkaPassword ?? '' } as KafkaConfig['sasl'],
        }
      : {}),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) =>
        log({ level: level <= logLevel.ERROR ? 'error' : 'warn', msg: `kafka: ${entry.message}`, error: entry.error }),
  };
}

const agent = await startAgent({ config, secrets, kafka: new Kafka(kafkaConfig(process.env, secrets)), redact, log });
const server = await serveWorkload({
  port: config.http.port,
  health: agent.health,
  metrics: agent.metrics,
  routes: { '/tickets': () => ({ tickets: agent.tickets() }) },
});
log({
  level: 'info',
  msg: 'ticketing agent started',
  port: server.port,
  platforms: Object.keys(config.platforms),
  llm: config.llm.provider,
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log({ level: 'info', msg: `stopping on ${signal}` });
    void Promise.all([agent.stop(), server.close()]).then(() => process.exit(0));
  });
}
