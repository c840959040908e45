// npm run charts:deps [-- --stand-ins] [-- --pin]
// Fills every chart's charts/ folder so `helm template charts/logclaw-tenant ...` works:
//   file:// dependencies (the library, the umbrella's subcharts) are packaged from this repo;
//   the wrappers' upstream charts (upstream-charts.yaml) are downloaded and checked against their
//   pinned sha256; where that download fails, or with --stand-ins, the FAKE stand-in charts are
//   served from a local chart repository (helm repo index + an HTTP server on 127.0.0.1).
// --pin records the sha256 of downloaded upstream charts that have none pinned yet.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { LocalChartRepo } from './local-repo.js';
import { ALL_CHARTS, CHARTS_DIR, UPSTREAM_LOCK, findHelm, main, parseArgs, readChart, readUpstream, runOrThrow, type UpstreamChart } from './lib.js';

export interface PrepareOptions {
  helm: string;
  chartsDir?: string;
  /** Use the stand-ins without trying the real upstream charts. */
  standIns?: boolean;
  /** Record the sha256 of downloaded upstream charts that have none pinned. */
  pin?: boolean;
  log?: (line: string) => void;
}

export interface PrepareResult {
  /** Upstream chart name → where it came from. */
  upstream: Record<string, 'upstream' | 'stand-in'>;
}

export async function prepareDependencies(opts: PrepareOptions): Promise<PrepareResult> {
  const chartsDir = opts.chartsDir ?? CHARTS_DIR;
  const log = opts.log ?? (() => undefined);
  const upstream = new Map(readUpstream(chartsDir).map((u) => [u.name, u]));
  const result: PrepareResult = { upstream: {} };
  const repo = new StandInRepo(opts.helm, chartsDir);
  try {
    for (const chart of ALL_CHARTS) {
      const dir = join(chartsDir, chart);
      const deps = readChart(dir).dependencies ?? [];
      const target = join(dir, 'charts');
      rmSync(target, { recursive: true, force: true });
      if (deps.length === 0) continue;
      mkdirSync(target, { recursive: true });
      for (const dep of deps) {
        if (dep.repository.startsWith('file://')) {
          // Subcharts were prepared earlier in ALL_CHARTS order, so the package includes their charts/.
          await runOrThrow(opts.helm, ['package', resolve(dir, dep.repository.slice('file://'.length)), '-d', target]);
          continue;
        }
        const pinned = upstream.get(dep.name);
        if (!pinned || pinned.version !== dep.version || pinned.repository !== dep.repository) {
          throw new Error(`${chart}: dependency ${dep.name} ${dep.version} (${dep.repository}) is not in ${UPSTREAM_LOCK}`);
        }
        if (!opts.standIns && (await fetchUpstream(opts.helm, pinned, target, chartsDir, opts.pin ?? false, log))) {
          result.upstream[dep.name] = 'upstream';
        } else {
          await repo.pull(pinned, target);
          result.upstream[dep.name] = 'stand-in';
          log(`${chart}: using the FAKE stand-in ${pinned.standIn} for ${dep.name} ${dep.version}`);
        }
      }
      log(`${chart}: ${readdirSync(target).join(', ')}`);
    }
  } finally {
    await repo.close();
  }
  return result;
}

/** Download the real chart and check its digest. false when it can't be downloaded. */
type Log = (line: string) => void;

async function fetchUpstream(helm: string, u: UpstreamChart, target: string, chartsDir: string, pin: boolean, log: Log): Promise<boolean> {
  try {
    await runOrThrow(helm, ['pull', u.name, '--repo', u.repository, '--version', u.version, '-d', target]);
  } catch (error) {
    log(`${u.name} ${u.version}: cannot download from ${u.repository} (${firstLine(error)})`);
    return false;
  }
  const file = join(target, `${u.name}-${u.version}.tgz`);
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (u.sha256 && u.sha256 !== digest) {
    rmSync(file);
    throw new Error(`${u.name} ${u.version} from ${u.repository} has sha256 ${digest}, but ${UPSTREAM_LOCK} pins ${u.sha256}`);
  }
  if (!u.sha256) {
    if (pin) {
      pinDigest(chartsDir, u.name, digest);
      log(`${u.name} ${u.version}: pinned sha256 ${digest} in ${UPSTREAM_LOCK}`);
    } else {
      log(`${u.name} ${u.version}: sha256 ${digest} is not pinned yet; run with -- --pin to record it`);
    }
  }
  return true;
}

function pinDigest(chartsDir: string, name: string, digest: string): void {
  const path = join(chartsDir, UPSTREAM_LOCK);
  const doc = YAML.parseDocument(readFileSync(path, 'utf8'));
  const charts = doc.get('charts') as YAML.YAMLSeq<YAML.YAMLMap>;
  const entry = charts.items.find((item) => item.get('name') === name);
  entry?.set('sha256', digest);
  writeFileSync(path, doc.toString());
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n').filter(Boolean).pop() ?? '';
}

/** The stand-ins in a local chart repository (see local-repo.ts), packaged on first use. */
class StandInRepo {
  private repo?: LocalChartRepo;

  constructor(
    private readonly helm: string,
    private readonly chartsDir: string,
  ) {}

  async pull(u: UpstreamChart, target: string): Promise<void> {
    const url = await this.start();
    const standIn = readChart(join(this.chartsDir, u.standIn));
    if (standIn.name !== u.name) throw new Error(`${u.standIn} is chart ${standIn.name}, expected ${u.name}`);
    await runOrThrow(this.helm, ['pull', u.name, '--repo', url, '--version', standIn.version, '-d', target]);
  }

  private async start(): Promise<string> {
    if (this.repo) return this.repo.url;
    const repo = new LocalChartRepo(this.helm);
    this.repo = repo;
    for (const u of readUpstream(this.chartsDir)) await repo.add(join(this.chartsDir, u.standIn));
    return repo.start();
  }

  async close(): Promise<void> {
    await this.repo?.close();
  }
}

main(import.meta.url, async () => {
  const { flags } = parseArgs(process.argv.slice(2));
  const result = await prepareDependencies({
    helm: findHelm(),
    standIns: flags.has('stand-ins'),
    pin: flags.has('pin'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const fakes = Object.entries(result.upstream).filter(([, source]) => source === 'stand-in').map(([name]) => name);
  if (fakes.length) process.stderr.write(`\nWARNING: ${fakes.join(', ')} are FAKE stand-ins: fine for rendering and tests, never for a real install.\n`);
});
