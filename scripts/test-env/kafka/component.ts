// Test-env component: a real single-node Apache Kafka broker (KRaft, combined broker+controller)
// run from Maven Central jars. Jars are cached in <cacheRoot>/kafka-<version>/libs; data and logs
// live in <runDir>/kafka. The broker JVM is detached, so it outlives `up`; `down` (or stop())
// ends it. restartKafka() restarts it on the same ports and data dir (for broker-restart tests).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Component, EnvContext, Running } from '../component.js';
import { type JvmState, cacheIsComplete, javaTool, jvmServer, provisionJars, run, sha256Files, twoFreePorts } from '../jvm.js';

/** Kafka version; override with LOGCLAW_KAFKA_VERSION (4.x only: the pom's logging jars are for Kafka 4). */
export const KAFKA_VERSION = process.env.LOGCLAW_KAFKA_VERSION ?? '4.1.1';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, 'pom.xml');
const LOG4J = path.join(HERE, 'log4j2.properties');
const START_TIMEOUT_MS = 120_000;

export interface KafkaEndpoint {
  /** bootstrap servers, e.g. "127.0.0.1:39092" */
  brokers: string;
}

/** Everything needed to (re)start the broker; also written to <home>/launch.json. */
export interface KafkaState extends JvmState {
  port: number;
  controllerPort: number;
}

export function kafkaCacheDir(cacheRoot: string, version = KAFKA_VERSION): string {
  return path.join(cacheRoot, `kafka-${version}`);
}

function stamp(version: string): string {
  return `kafka ${version} ${sha256Files([POM])}`;
}

async function provision(ctx: EnvContext): Promise<void> {
  await provisionJars(ctx, {
    name: 'kafka',
    title: 'Kafka',
    version: KAFKA_VERSION,
    dir: kafkaCacheDir(ctx.cacheRoot),
    stamp: stamp(KAFKA_VERSION),
    pom: POM,
    properties: { 'kafka.version': KAFKA_VERSION },
  });
}

function serverProperties(home: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${path.join(home, 'data')}`,
    'num.partitions=1',
    'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
    'background.threads=2',
    'log.retention.check.interval.ms=300000',
    '',
  ].join('\n');
}

/** A Kafka-style random cluster id (22 chars of url-safe base64, not starting with '-'). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function jvmArgs(libs: string, heap: [string, string]): string[] {
  return [
    `-Xms${heap[0]}`,
    `-Xmx${heap[1]}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${LOG4J}`,
    '-cp',
    path.join(libs, '*'),
  ];
}

/**
 * Send a Metadata v4 request (the lowest version Kafka 4.x accepts; also valid on 3.x) and return
 * the number of brokers in the answer. Resolves undefined while the broker is not serving yet.
 */
export function kafkaMetadataBrokers(port: number, host = '127.0.0.1', timeoutMs = 3_000): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('logclaw-test-env');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
    let o = 0;
    o = body.writeInt16BE(3, o); // api_key Metadata
    o = body.writeInt16BE(4, o); // api_version
    o = body.writeInt32BE(7, o); // correlation_id
    o = body.writeInt16BE(clientId.length, o);
    o += clientId.copy(body, o);
    o = body.writeInt32BE(-1, o); // topics: null = all
    body.writeInt8(0, o); // allow_auto_topic_creation
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const done = (err: Error | null, v?: number) => {
      sock.destroy();
      if (err) reject(err);
      else resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(new Error('metadata request timed out')));
    sock.on('error', (e) => done(e));
    sock.on('connect', () => sock.write(Buffer.concat([size, body])));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      // size, correlation_id, throttle_time_ms, brokers[]
      if (buf.readInt32BE(4) !== 7) return done(new Error('bad correlation id'));
      const brokers = buf.readInt32BE(12);
      done(null, brokers > 0 ? brokers : undefined);
    });
    sock.on('close', () => done(new Error('connection closed before a metadata response')));
  });
}

const broker = jvmServer<KafkaState, KafkaEndpoint>({
  title: 'Kafka',
  address: (s) => `127.0.0.1:${s.port}`,
  endpoint: (s) => ({ brokers: `127.0.0.1:${s.port}` }),
  // Healthy once a metadata request lists the broker.
  healthy: (s) => kafkaMetadataBrokers(s.port),
  startTimeoutMs: START_TIMEOUT_MS,
});

async function start(ctx: EnvContext): Promise<Running<KafkaEndpoint>> {
  const libs = path.join(kafkaCacheDir(ctx.cacheRoot), 'libs');
  if (!cacheIsComplete(kafkaCacheDir(ctx.cacheRoot), stamp(KAFKA_VERSION))) {
    throw new Error(`Kafka ${KAFKA_VERSION} is not provisioned in ${kafkaCacheDir(ctx.cacheRoot)} (run provision first)`);
  }
  const home = path.join(ctx.runDir, 'kafka');
  fs.mkdirSync(path.join(home, 'data'), { recursive: true });
  const [port, controllerPort] = await twoFreePorts(() => ctx.freePort());
  const config = path.join(home, 'server.properties');
  fs.writeFileSync(config, serverProperties(home, port, controllerPort));
  const logFile = path.join(home, 'kafka.log');
  const java = javaTool('java');

  const t0 = Date.now();
  // KRaft needs a formatted log dir (meta.properties + bootstrap checkpoint).
  const fmt = await run(java, [
    ...jvmArgs(libs, ['64m', '256m']),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId(),
    '-c',
    config,
    '--ignore-formatted',
  ]).catch((e: Error) => {
    fs.appendFileSync(logFile, e.message + '\n');
    throw new Error(`Kafka storage format failed (log ${logFile}): ${e.message}`);
  });
  fs.appendFileSync(logFile, fmt + '\n');

  const s: KafkaState = {
    version: KAFKA_VERSION,
    home,
    port,
    controllerPort,
    logFile,
    pidFile: path.join(home, 'kafka.pid'),
    java,
    args: [...jvmArgs(libs, ['256m', '768m']), 'kafka.Kafka', config],
  };
  fs.writeFileSync(path.join(home, 'launch.json'), JSON.stringify(s, null, 2) + '\n');
  ctx.log(`[kafka] starting ${KAFKA_VERSION} on 127.0.0.1:${port} (controller ${controllerPort}), log ${logFile}`);
  const running = await broker.launch(s);
  ctx.log(`[kafka] healthy in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${running.pids[0]})`);
  return running;
}

/**
 * Stop the broker (whatever pid it currently has, see <home>/kafka.pid). SIGTERM = clean controlled
 * shutdown; SIGKILL = crash. Accepts the Running from start() or the kafka home dir (<runDir>/kafka).
 */
export const stopKafka = broker.stop;

/** Start a stopped broker again with the same ports, config and data dir; resolves once healthy. */
export const startKafkaAgain = broker.startAgain;

/**
 * Restart the broker on the same ports and data dir: stop (default SIGTERM), stay down `downMs`,
 * start again and wait until healthy. Returns the new Running (new pid).
 */
export const restartKafka = broker.restart;

export const kafka: Component<KafkaEndpoint> = {
  name: 'kafka',
  provision,
  start,
  // The pid may have changed through restartKafka(); stop whatever <home>/kafka.pid names.
  async stop(_ctx, running) {
    await stopKafka(running, { timeoutMs: 20_000 });
  },
};

export default kafka;
