// npm run charts:deps [-- --stand-ins] [-- --pin] [-- --warn-only] [-- --charts-dir=DIR (a copy of charts/)]
// Fills every chart's charts/ folder so `helm template charts/logclaw-tenant ...` works:
//   the stack's workloads are bundled into the charts that deliver them (scripts/build-workloads.mjs);
//   file:// dependencies (the library, the umbrella's subcharts) are packaged from this repo;
//   the wrappers' upstream charts (upstream-charts.yaml) are downloaded and checked against their
//   pinned sha256, and kept for the next run while they still match. A failed download is an error
//   that says how to retry: the FAKE stand-ins are used only when asked for with --stand-ins (tests,
//   offline rendering), served from a local chart repository and labelled STAND-IN.
// --pin records the sha256 of downloaded upstream charts that have none pinned yet.
// --warn-only (npm install, npm start): a failure is a warning and the exit code stays 0, because the
//   app runs without these charts; its installer's preflight stops a stack install until they are here.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { LocalChartRepo } from './local-repo.js';
import {
  ALL_CHARTS,
  CHARTS_DIR,
  REPO_ROOT,
  UPSTREAM_LOCK,
  findHelm,
  main,
  parseArgs,
  readChart,
  readUpstream,
  runOrThrow,
  type UpstreamChart,
} from './lib.js';

export interface PrepareOptions {
  helm: string;
  chartsDir?: string;
  /** Use the FAKE stand-ins instead of the real upstream charts (tests, offline rendering); only when asked for. */
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
  const upstream = new Map(readUpstream(chartsDir).map((u) => [u.name, u as Pinned]));
  const result: PrepareResult = { upstream: {} };
  // First: the umbrella packages its subcharts below, bundles included.
  log((await runOrThrow(process.execPath, [join(REPO_ROOT, 'scripts', 'build-workloads.mjs'), '--charts-dir', chartsDir])).trim());
  const repo = new StandInRepo(opts.helm, chartsDir);
  try {
    for (const chart of ALL_CHARTS) {
      const dir = join(chartsDir, chart);
      const deps = readChart(dir).dependencies ?? [];
      const target = join(dir, 'charts');
      // Upstream archives an earlier run downloaded stay while they match their pin: a later run
      // (npm start, offline) need not download them again. Everything else is rebuilt.
      const kept = opts.standIns ? new Set<string>() : keptDownloads(target, deps, upstream, log);
      const stale = (existsSync(target) ? readdirSync(target) : []).filter((file) => !kept.has(file));
      for (const file of stale) rmSync(join(target, file), { recursive: true });
      if (deps.length === 0) {
        rmSync(target, { recursive: true, force: true });
        continue;
      }
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
        if (opts.standIns) {
          await repo.pull(pinned, target);
          result.upstream[dep.name] = 'stand-in';
          log(`STAND-IN: ${chart}/charts/ gets the FAKE ${pinned.standIn} for ${dep.name} ${dep.version} (--stand-ins)`);
        } else {
          if (!kept.has(archiveName(pinned))) await fetchUpstream(opts.helm, pinned, target, chartsDir, opts.pin ?? false, log);
          result.upstream[dep.name] = 'upstream';
        }
      }
      log(`${chart}: ${readdirSync(target).join(', ')}`);
    }
  } finally {
    await repo.close();
  }
  return result;
}

type Log = (line: string) => void;
type Pinned = UpstreamChart & { sha256Source?: string };

/** The file helm pull saves an upstream chart as. */
function archiveName(u: UpstreamChart): string {
  return `${u.name}-${u.version}.tgz`;
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The upstream archives already in a charts/ folder that still match their pin (an unpinned one can't be checked: it stays). */
function keptDownloads(target: string, deps: Array<{ name: string }>, upstream: Map<string, Pinned>, log: Log): Set<string> {
  const kept = new Set<string>();
  for (const dep of deps) {
    const pinned = upstream.get(dep.name);
    const file = pinned && join(target, archiveName(pinned));
    if (!pinned || !file || !existsSync(file)) continue;
    const digest = sha256Of(file);
    if (pinned.sha256 && pinned.sha256 !== digest) {
      log(
        `${pinned.name} ${pinned.version}: the archive in ${target} has sha256 ${digest}, not the pinned ${pinned.sha256}: downloading it again`,
      );
      continue;
    }
    kept.add(archiveName(pinned));
    log(`${pinned.name} ${pinned.version}: already downloaded (sha256 ${digest}${pinned.sha256 ? ', matches the pin' : ', not pinned'})`);
  }
  return kept;
}

/** Downloads the real chart and checks its digest; a failed download is an error that says how to retry. */
async function fetchUpstream(helm: string, u: Pinned, target: string, chartsDir: string, pin: boolean, log: Log): Promise<void> {
  try {
    await runOrThrow(helm, ['pull', u.name, '--repo', u.repository, '--version', u.version, '-d', target]);
  } catch (error) {
    throw new Error(
      [
        `cannot download ${u.name} ${u.version} from ${u.repository}: ${firstLine(error)}`,
        `${u.wrapper} needs it, so installing the stack stops at its preflight until it is here.`,
        `Retry where ${u.repository} can be reached: npm run charts:deps`,
        'Only for offline rendering and tests: npm run charts:deps -- --stand-ins (FAKE charts, labelled STAND-IN; the installer refuses them).',
      ].join('\n'),
    );
  }
  const file = join(target, archiveName(u));
  const digest = sha256Of(file);
  if (u.sha256 && u.sha256 !== digest) {
    rmSync(file);
    throw new Error(
      `${u.name} ${u.version} from ${u.repository} has sha256 ${digest}, but ${UPSTREAM_LOCK} pins ${u.sha256} (from ${u.sha256Source ?? 'unknown'}): not used`,
    );
  }
  if (!u.sha256) {
    if (pin) {
      pinDigest(chartsDir, u.name, digest);
      log(`${u.name} ${u.version}: pinned sha256 ${digest} in ${UPSTREAM_LOCK}`);
    } else {
      log(`${u.name} ${u.version}: sha256 ${digest} is not pinned (${u.sha256Source ?? 'no source'}); run with -- --pin to record it`);
    }
  }
}

function pinDigest(chartsDir: string, name: string, digest: string): void {
  const path = join(chartsDir, UPSTREAM_LOCK);
  const doc = YAML.parseDocument(readFileSync(path, 'utf8'));
  const charts = doc.get('charts') as YAML.YAMLSeq<YAML.YAMLMap>;
  const entry = charts.items.find((item) => item.get('name') === name);
  entry?.set('sha256', digest);
  // Said as it is: the digest of one download, not one the repository published.
  entry?.set('sha256Source', `the archive \`npm run charts:deps -- --pin\` downloaded on ${new Date().toISOString().slice(0, 10)}`);
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
  const { flags, options } = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const result = await prepareDependencies({
      helm: findHelm(),
      chartsDir: options.get('charts-dir'),
      standIns: flags.has('stand-ins'),
      pin: flags.has('pin'),
      log,
    });
    const fakes = Object.entries(result.upstream)
      .filter(([, source]) => source === 'stand-in')
      .map(([name]) => name);
    if (fakes.length)
      log(`\nSTAND-IN: ${fakes.join(', ')} are FAKE charts: fine for rendering and tests, refused by the installer for a real install.`);
  } catch (error) {
    if (!flags.has('warn-only')) throw error;
    // npm install and npm start go on: the app runs without these charts, and its installer says what is missing.
    log(`\nWARNING: the chart dependencies are not prepared.\n${error instanceof Error ? error.message : String(error)}`);
  }
});
