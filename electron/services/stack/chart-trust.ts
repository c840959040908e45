// What the installer trusts of the charts it installs. Operator charts: helm pulls each archive into
// the data folder (one folder per name-version), and the archive is checked against the plan's
// digest before anything installs from it. Upstream charts inside the tenant charts (Airflow,
// Zammad): checked against charts/upstream-charts.yaml. A chart without a digest is installed only
// once the user accepts it, and from then on must match the archive that was accepted. Charts
// versioned +logclaw-fake are the named FAKE stand-ins: only a process allowed them (tests) installs them.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import YAML from 'yaml';
import { AppError } from '#contract/index.js';
import type { ChartToAccept } from '#contract/stack.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { PlanChart, StackPlan } from './plan.js';
import { TEST_HOOKS, isStandIn } from './test-hooks.js';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface Digest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** `sha256:<hex>` / `sha512:<hex>` (the plan's format, checked by its schema). */
export function parseDigest(text: string): Digest {
  const [algorithm, hex] = text.split(':') as [DigestAlgorithm, string];
  return { algorithm, hex };
}

export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

/** Name and version from a chart archive's top-level Chart.yaml; null when it is not a chart archive. */
export function chartMetadata(archive: Uint8Array): { name: string; version: string } | null {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(archive);
  } catch {
    return null;
  }
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const field = (header: Uint8Array, start: number, length: number) => text(header.subarray(start, start + length)).replace(/\0[^]*$/, '');
  // A tar stream: 512-byte headers, each followed by its body padded to 512 bytes; a PAX header
  // ('x') carries the next entry's long path.
  let longPath: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const prefix = field(header, 345, 155);
    const path = longPath ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text(body))?.[1];
      continue;
    }
    longPath = undefined;
    if (/^[^/]+\/Chart\.yaml$/.test(path)) {
      const chart = YAML.parse(text(body)) as { name?: unknown; version?: unknown } | null;
      return typeof chart?.name === 'string' && chart.version !== undefined ? { name: chart.name, version: String(chart.version) } : null;
    }
  }
  return null;
}

/** Where an operator chart's archive lives: `<data>/stack/charts/<name>-<version>/`, helm pulling into download/. */
export function chartCache(dataDir: string, chart: Pick<PlanChart, 'name' | 'version'>) {
  const dir = join(dataDir, 'stack', 'charts', `${chart.name}-${chart.version}`);
  return { dir, download: join(dir, 'download'), archive: join(dir, `${chart.name}-${chart.version}.tgz`) };
}

/** Where the packaged app has an operator chart's archive (`npm run charts:operators` downloads and checks it for the package). */
export function bundledChart(appRoot: string, chart: Pick<PlanChart, 'name' | 'version'>): string {
  return join(appRoot, 'resources', 'operator-charts', `${chart.name}-${chart.version}.tgz`);
}

/**
 * The archive an operator installs from: the one the app ships (a packaged app; a checkout has none),
 * else the data folder's cache, downloaded when it is not there yet. Either is checked before installing.
 */
export function operatorArchive(appRoot: string, dataDir: string, chart: Pick<PlanChart, 'name' | 'version'>) {
  const bundled = bundledChart(appRoot, chart);
  return existsSync(bundled) ? { archive: bundled, bundled: true } : { archive: chartCache(dataDir, chart).archive, bundled: false };
}

// ---------------------------------------------------------------------------------------------
// Accepting a chart without a digest

/** The user's acceptance of a chart without a digest: when, and the sha256 of the archive first installed after it. */
export interface Acceptance {
  acceptedAt: string;
  sha256: string | null;
}

export function acceptanceFile(dataDir: string, chart: { name: string; version: string }): string {
  return join(chartCache(dataDir, chart).dir, 'accepted.json');
}

export function readAcceptance(dataDir: string, chart: { name: string; version: string }): Acceptance | null {
  const file = acceptanceFile(dataDir, chart);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Acceptance) : null;
}

export async function writeAcceptance(dataDir: string, chart: { name: string; version: string }, acceptance: Acceptance): Promise<void> {
  const file = acceptanceFile(dataDir, chart);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(acceptance, null, 2)}\n`);
}

/** A chart the app installs, with the digest it is checked against (null: none established). */
export interface TrustedChart {
  name: string;
  version: string;
  digest: string | null;
  source: string;
}

export interface UpstreamPin {
  name: string;
  version: string;
  repository: string;
  wrapper: string;
  sha256: string | null;
  sha256Source?: string;
}

/** charts/upstream-charts.yaml: the upstream charts inside the tenant charts, with their pins. */
export function readUpstreamPins(chartsDir: string): UpstreamPin[] {
  const file = join(chartsDir, 'upstream-charts.yaml');
  return existsSync(file) ? ((YAML.parse(readFileSync(file, 'utf8')) as { charts?: UpstreamPin[] }).charts ?? []) : [];
}

/** Every chart the app installs that a digest applies to: the operators' and the upstream charts inside the tenant charts. */
export function installedCharts(plan: StackPlan, chartsDir: string): TrustedChart[] {
  return [
    ...plan.operators.map(({ chart }) => ({ name: chart.name, version: chart.version, digest: chart.digest, source: chart.digestSource })),
    ...readUpstreamPins(chartsDir).map((pin) => ({
      name: pin.name,
      version: pin.version,
      digest: pin.sha256 ? `sha256:${pin.sha256}` : null,
      source: pin.sha256Source ?? 'charts/upstream-charts.yaml',
    })),
  ];
}

/** Records the user's acceptance of these charts (by name) in the data folder; charts with a digest need none. */
export async function acceptCharts(dataDir: string, charts: TrustedChart[], names: string[]): Promise<void> {
  for (const name of names) {
    const chart = charts.find((candidate) => candidate.name === name);
    if (!chart)
      throw new AppError('INVALID_REQUEST', `No chart "${name}" to accept`, {
        hint: `The charts the app installs: ${charts.map((candidate) => candidate.name).join(', ')}.`,
      });
    if (chart.digest === null && !readAcceptance(dataDir, chart))
      await writeAcceptance(dataDir, chart, { acceptedAt: new Date().toISOString(), sha256: null });
  }
}

/** A chart without a digest as the app offers it for acceptance: where it comes from and why its digest is unknown. */
export function toAccept(chart: TrustedChart, repository: string): ChartToAccept {
  return { name: chart.name, version: chart.version, repository, why: chart.source };
}

/** The command that accepts these charts, for failure messages. */
export function acceptCommand(names: string[]): string {
  return `logclaw up --accept-chart ${names.join(',')}`;
}

// ---------------------------------------------------------------------------------------------
// Checking an archive

export type Verdict =
  | { kind: 'verified'; algorithm: DigestAlgorithm; actual: string; source: string }
  | { kind: 'stand-in'; version: string }
  | { kind: 'accepted'; sha256: string }
  | { kind: 'mismatch'; algorithm: DigestAlgorithm; actual: string; expected: string; source: string }
  | { kind: 'refused-stand-in'; version: string }
  | { kind: 'unaccepted'; sha256: string };

/**
 * What an archive is worth, read-only: a FAKE stand-in (allowed or not), a match or mismatch with
 * the chart's digest or with the archive the user accepted, accepted for the first time, or without
 * any digest and not accepted.
 */
export function judgeArchive(dataDir: string, chart: TrustedChart, bytes: Uint8Array, standIns: boolean): Verdict {
  const meta = chartMetadata(bytes);
  if (meta && isStandIn(meta.version)) return { kind: standIns ? 'stand-in' : 'refused-stand-in', version: meta.version };
  const accepted = chart.digest ? null : readAcceptance(dataDir, chart);
  const expected = chart.digest
    ? { ...parseDigest(chart.digest), source: chart.source }
    : accepted?.sha256
      ? {
          algorithm: 'sha256' as const,
          hex: accepted.sha256,
          source: `your acceptance of ${accepted.acceptedAt} (${acceptanceFile(dataDir, chart)})`,
        }
      : null;
  const actual = digestOf(bytes, expected?.algorithm ?? 'sha256');
  if (expected)
    return actual === expected.hex
      ? { kind: 'verified', algorithm: expected.algorithm, actual, source: expected.source }
      : { kind: 'mismatch', algorithm: expected.algorithm, actual, expected: expected.hex, source: expected.source };
  return accepted ? { kind: 'accepted', sha256: actual } : { kind: 'unaccepted', sha256: actual };
}

/** Where an archive came from and how to get another, for the failure messages. */
export interface ArchiveOrigin {
  archive: string;
  /** The repository (or the command) it came from. */
  from: string;
  /** How to replace the archive with a fresh one. */
  renew: string;
}

/** A verdict that lets the archive be installed. */
export type Admitted = Extract<Verdict, { kind: 'verified' | 'stand-in' | 'accepted' }>;

/** The verdict when it lets the archive be installed; otherwise throws why not and what to do. */
export function admit(chart: TrustedChart, verdict: Verdict, origin: ArchiveOrigin): Admitted {
  switch (verdict.kind) {
    case 'refused-stand-in':
      throw new AppError(
        'FORBIDDEN',
        `STAND-IN: ${origin.archive} is ${chart.name} ${verdict.version}, a FAKE test chart, not ${chart.name} ${chart.version}`,
        { hint: `Only tests install stand-ins (from a checkout, with ${TEST_HOOKS.allowStandIns}=1). ${origin.renew}` },
      );
    case 'mismatch':
      throw new AppError(
        'HASH_MISMATCH',
        `${chart.name} ${chart.version}: ${origin.archive} has ${verdict.algorithm} ${verdict.actual}, but ${verdict.expected} is expected (from ${verdict.source})`,
        {
          hint: `Nothing was installed from it. ${origin.renew} If the new archive differs again, ${origin.from} does not serve the archive the digest was taken from: do not install it.`,
        },
      );
    case 'unaccepted':
      throw new AppError(
        'FORBIDDEN',
        `${chart.name} ${chart.version} has no recorded digest, so ${origin.archive} (sha256 ${verdict.sha256}) cannot be checked: it is installed only once you accept it`,
        {
          hint: `If you trust ${origin.from}, accept it once: \`${acceptCommand([chart.name])}\` (the same command resumes the install); later archives must then match this one. Why there is no digest: ${chart.source}`,
          detail: { accept: [toAccept(chart, origin.from)] },
        },
      );
    default:
      return verdict;
  }
}

/** The line a passed check leaves in the step's log. */
export function verdictLine(chart: TrustedChart, verdict: Admitted): string {
  switch (verdict.kind) {
    case 'verified':
      return `${chart.name} ${chart.version}: ${verdict.algorithm} ${verdict.actual} matches ${verdict.source}`;
    case 'stand-in':
      return `STAND-IN: ${chart.name} ${verdict.version} is a FAKE test chart, allowed by ${TEST_HOOKS.allowStandIns}=1; no digest applies`;
    case 'accepted':
      return `${chart.name} ${chart.version}: accepted without a digest; sha256 ${verdict.sha256} recorded, later archives must match it`;
  }
}

/** Records the digest of the first archive installed after the user accepted a chart: later ones must match it. */
export async function recordAccepted(dataDir: string, chart: TrustedChart, sha256: string): Promise<void> {
  const accepted = readAcceptance(dataDir, chart);
  if (accepted) await writeAcceptance(dataDir, chart, { ...accepted, sha256 });
}

export async function readArchive(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

/** The upstream chart archives in a tenant chart's charts/ folder (name-*.tgz per dependency), for the checks. */
export function dependencyArchives(chartDir: string): Array<{ name: string; version: string; file: string | null }> {
  const chart = YAML.parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as {
    dependencies?: Array<{ name: string; version: string; repository: string }>;
  };
  const dir = join(chartDir, 'charts');
  const present = existsSync(dir) ? readdirSync(dir) : [];
  return (chart.dependencies ?? [])
    .filter((dep) => !dep.repository.startsWith('file://'))
    .map((dep) => {
      const file = present.find((name) => name.startsWith(`${dep.name}-`) && name.endsWith('.tgz'));
      return { name: dep.name, version: dep.version, file: file ? join(dir, file) : null };
    });
}
