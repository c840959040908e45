// Test-env component: a real single-node OpenSearch 2.x server run from Maven Central jars by a
// small launcher (OsNode.java): Netty4 HTTP, no security plugin, modules analysis-common, reindex,
// mapper-extras, painless. Jars + compiled launcher are cached in <cacheRoot>/opensearch-<version>/;
// data and logs live in <runDir>/opensearch. The JVM is detached, so it outlives `up`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component, EnvContext, Running } from '../component.js';
import {
  type JvmState,
  cacheIsComplete,
  httpJson,
  javaMajor,
  javaTool,
  jvmServer,
  provisionJars,
  run,
  sha256Files,
  twoFreePorts,
} from '../jvm.js';

/** OpenSearch version; override with LOGCLAW_OPENSEARCH_VERSION (2.x only: 3.x needs Java 21 and another launcher). */
export const OPENSEARCH_VERSION = process.env.LOGCLAW_OPENSEARCH_VERSION ?? '2.19.6';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, 'pom.xml');
const LAUNCHER = path.join(HERE, 'OsNode.java');
const LOG4J = path.join(HERE, 'log4j2.properties');
const START_TIMEOUT_MS = 180_000;

export interface OpenSearchEndpoint {
  /** e.g. "http://127.0.0.1:39200" (plain HTTP, no auth) */
  url: string;
}

export interface OpenSearchState extends JvmState {
  httpPort: number;
  transportPort: number;
}

export function openSearchCacheDir(cacheRoot: string, version = OPENSEARCH_VERSION): string {
  return path.join(cacheRoot, `opensearch-${version}`);
}

function stamp(version: string): string {
  return `opensearch ${version} ${sha256Files([POM, LAUNCHER])}`;
}

async function provision(ctx: EnvContext): Promise<void> {
  const dir = openSearchCacheDir(ctx.cacheRoot);
  await provisionJars(ctx, {
    name: 'opensearch',
    title: 'OpenSearch',
    version: OPENSEARCH_VERSION,
    dir,
    stamp: stamp(OPENSEARCH_VERSION),
    pom: POM,
    properties: { 'opensearch.version': OPENSEARCH_VERSION },
    check: () => {
      const major = javaMajor();
      if (major && major < 11) throw new Error(`OpenSearch ${OPENSEARCH_VERSION} needs Java 11+ (found ${major}); set JAVA_HOME`);
    },
    build: async (libs) => {
      ctx.log(`[opensearch] compiling ${path.basename(LAUNCHER)}`);
      const classes = path.join(dir, 'classes');
      fs.rmSync(classes, { recursive: true, force: true });
      fs.mkdirSync(classes, { recursive: true });
      await run(javaTool('javac'), ['-nowarn', '-d', classes, '-cp', path.join(libs, '*'), LAUNCHER]);
      return ' + launcher';
    },
  });
}

function jvmArgs(cacheDir: string, home: string, javaMajorVersion: number): string[] {
  // From OpenSearch 2.x config/jvm.options, minus GC logging and heap dumps.
  return [
    '-Xms512m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-XX:G1ReservePercent=25',
    '-XX:InitiatingHeapOccupancyPercent=30',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:-UsePerfData',
    '-Xss1m',
    '-Djava.awt.headless=true',
    '-Dfile.encoding=UTF-8',
    '-Djna.nosys=true',
    // 2.x jvm.options uses SPI,COMPAT; the COMPAT provider is gone from JDK 23 on.
    `-Djava.locale.providers=${javaMajorVersion >= 23 ? 'SPI,CLDR' : 'SPI,COMPAT'}`,
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    '-Dlog4j2.formatMsgNoLookups=true',
    `-Djava.io.tmpdir=${path.join(home, 'tmp')}`,
    '-cp',
    `${path.join(cacheDir, 'classes')}${path.delimiter}${path.join(cacheDir, 'libs', '*')}`,
  ];
}

/** Resolves with the health status once `_cluster/health` answers yellow or green. */
export async function openSearchHealth(url: string): Promise<string | undefined> {
  const r = await httpJson(`${url}/_cluster/health?wait_for_status=yellow&timeout=2s`, 5_000);
  const status = (r.body as { status?: string } | undefined)?.status;
  return r.status === 200 && (status === 'green' || status === 'yellow') ? status : undefined;
}

const node = jvmServer<OpenSearchState, OpenSearchEndpoint>({
  title: 'OpenSearch',
  address: (s) => `http://127.0.0.1:${s.httpPort}`,
  endpoint: (s) => ({ url: `http://127.0.0.1:${s.httpPort}` }),
  healthy: (s) => openSearchHealth(`http://127.0.0.1:${s.httpPort}`),
  startTimeoutMs: START_TIMEOUT_MS,
  pollMs: 1_000,
});

async function start(ctx: EnvContext): Promise<Running<OpenSearchEndpoint>> {
  const cacheDir = openSearchCacheDir(ctx.cacheRoot);
  if (!cacheIsComplete(cacheDir, stamp(OPENSEARCH_VERSION))) {
    throw new Error(`OpenSearch ${OPENSEARCH_VERSION} is not provisioned in ${cacheDir} (run provision first)`);
  }
  const home = path.join(ctx.runDir, 'opensearch');
  for (const d of ['config', 'data', 'logs', 'tmp']) fs.mkdirSync(path.join(home, d), { recursive: true });
  fs.copyFileSync(LOG4J, path.join(home, 'config', 'log4j2.properties'));
  const [httpPort, transportPort] = await twoFreePorts(() => ctx.freePort());
  const java = javaTool('java');
  const s: OpenSearchState = {
    version: OPENSEARCH_VERSION,
    home,
    httpPort,
    transportPort,
    logFile: path.join(home, 'opensearch.log'),
    pidFile: path.join(home, 'opensearch.pid'),
    java,
    args: [...jvmArgs(cacheDir, home, javaMajor(java)), 'OsNode', home, `http.port=${httpPort}`, `transport.port=${transportPort}`],
  };
  fs.writeFileSync(path.join(home, 'launch.json'), JSON.stringify(s, null, 2) + '\n');
  ctx.log(`[opensearch] starting ${OPENSEARCH_VERSION} on http://127.0.0.1:${httpPort} (transport ${transportPort}), log ${s.logFile}`);
  const t0 = Date.now();
  const running = await node.launch(s);
  ctx.log(`[opensearch] healthy in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${running.pids[0]})`);
  return running;
}

/** Stop the node (current pid from <home>/opensearch.pid). Accepts the Running or <runDir>/opensearch. */
export const stopOpenSearch = node.stop;

/** Stop and start again on the same ports and data dir; resolves once healthy (new pid). */
export const restartOpenSearch = node.restart;

export const opensearch: Component<OpenSearchEndpoint> = {
  name: 'opensearch',
  provision,
  start,
  async stop(_ctx, running) {
    await stopOpenSearch(running, { timeoutMs: 20_000 });
  },
};

export default opensearch;
