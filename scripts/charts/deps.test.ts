// charts:deps with real helm on a private copy of charts/: a repository that cannot be reached is
// an error saying how to retry (never a silent fall back to the FAKE stand-ins), the stand-ins only
// with --stand-ins and labelled STAND-IN, and archives an earlier run downloaded are kept while they
// match their pin, so a later run (npm start) works offline.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { useTestEnv } from '../../tests/support/test-env.js';
import { prepareDependencies } from './deps.js';
import { CHARTS_DIR, REPO_ROOT, runOrThrow } from './lib.js';

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('charts:deps', () => {
  let helm: string;
  let work: string;
  let chartsDir: string;
  let unreachable: string;
  /** name → version, as charts/upstream-charts.yaml pins them. */
  let versions: Record<string, string>;

  beforeAll(async () => {
    ({
      tools: { helm },
    } = await useTestEnv('tools'));
    work = mkdtempSync(join(tmpdir(), 'logclaw-deps-'));
    chartsDir = join(work, 'charts');
    cpSync(CHARTS_DIR, chartsDir, {
      recursive: true,
      filter: (src) => !/\/logclaw-[^/]+\/charts(\/|$)/.test(src.slice(CHARTS_DIR.length)),
    });
    // The upstream repositories, moved to a port nothing answers on: deterministic wherever the test runs.
    unreachable = `http://127.0.0.1:${await closedPort()}/charts`;
    const lock = YAML.parse(readFileSync(join(chartsDir, 'upstream-charts.yaml'), 'utf8')) as {
      charts: Array<{ name: string; version: string; repository: string }>;
    };
    versions = Object.fromEntries(lock.charts.map((entry) => [entry.name, entry.version]));
    for (const chart of ['logclaw-airflow', 'logclaw-zammad']) {
      const file = join(chartsDir, chart, 'Chart.yaml');
      let text = readFileSync(file, 'utf8');
      for (const entry of lock.charts) text = text.replaceAll(entry.repository, unreachable);
      writeFileSync(file, text);
    }
    for (const entry of lock.charts) entry.repository = unreachable;
    writeFileSync(join(chartsDir, 'upstream-charts.yaml'), YAML.stringify(lock));
  }, 600_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const fakes = () =>
    readdirSync(chartsDir)
      .filter((chart) => existsSync(join(chartsDir, chart, 'charts')))
      .flatMap((chart) => readdirSync(join(chartsDir, chart, 'charts')).filter((file) => file.includes('+logclaw-fake')));

  it('fails with what could not be downloaded and how to retry, and uses no stand-in by itself', async () => {
    const error = await prepareDependencies({ helm, chartsDir }).catch((thrown: Error) => thrown);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(`^cannot download airflow ${versions.airflow} from ${unreachable}: .*(connection refused|cannot be reached)`),
    );
    expect(message).toContain('logclaw-airflow needs it, so installing the stack stops at its preflight until it is here.');
    expect(message).toContain(`Retry where ${unreachable} can be reached: npm run charts:deps`);
    expect(message).toContain('npm run charts:deps -- --stand-ins (FAKE charts, labelled STAND-IN; the installer refuses them)');
    expect(fakes()).toEqual([]);
  }, 300_000);

  it('the script: an error and exit code 1; with --warn-only (npm install, npm start) a warning and exit code 0', async () => {
    const script = (...args: string[]) =>
      execa(
        join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
        [join(REPO_ROOT, 'scripts', 'charts', 'deps.ts'), `--charts-dir=${chartsDir}`, ...args],
        {
          reject: false,
          env: { ...process.env, HELM: helm },
        },
      );
    const strict = await script();
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toContain(`cannot download airflow ${versions.airflow} from ${unreachable}`);
    const lenient = await script('--warn-only');
    expect(lenient.exitCode).toBe(0);
    expect(lenient.stderr).toContain(`WARNING: the chart dependencies are not prepared.\ncannot download airflow ${versions.airflow}`);
    expect(fakes()).toEqual([]);
  }, 300_000);

  it('--stand-ins: the FAKE charts, each labelled STAND-IN', async () => {
    const lines: string[] = [];
    const result = await prepareDependencies({ helm, chartsDir, standIns: true, log: (line) => void lines.push(line) });
    expect(result.upstream).toEqual({ airflow: 'stand-in', zammad: 'stand-in' });
    expect(lines).toContain(
      `STAND-IN: logclaw-airflow/charts/ gets the FAKE .stand-ins/airflow for airflow ${versions.airflow} (--stand-ins)`,
    );
    expect(fakes().sort()).toEqual([`airflow-${versions.airflow}+logclaw-fake.tgz`, `zammad-${versions.zammad}+logclaw-fake.tgz`]);
  }, 300_000);

  it('keeps archives an earlier run downloaded while they match their pin; a changed one is downloaded again', async () => {
    // What a run with the network left behind: the real archives' names, one pinned, one not.
    const made = join(work, 'made');
    const archive = async (name: string, version: string) => {
      const dir = join(made, name);
      mkdirSync(join(dir, 'templates'), { recursive: true });
      writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
      await runOrThrow(helm, ['package', dir, '-d', made]);
      return join(made, `${name}-${version}.tgz`);
    };
    const airflow = await archive('airflow', versions.airflow!);
    const zammad = await archive('zammad', versions.zammad!);
    const lock = YAML.parse(readFileSync(join(chartsDir, 'upstream-charts.yaml'), 'utf8')) as {
      charts: Array<{ name: string; sha256: string | null }>;
    };
    lock.charts.find((entry) => entry.name === 'airflow')!.sha256 = null;
    lock.charts.find((entry) => entry.name === 'zammad')!.sha256 = createHash('sha256').update(readFileSync(zammad)).digest('hex');
    writeFileSync(join(chartsDir, 'upstream-charts.yaml'), YAML.stringify(lock));
    for (const [chart, file] of [
      ['logclaw-airflow', airflow],
      ['logclaw-zammad', zammad],
    ] as const) {
      rmSync(join(chartsDir, chart, 'charts'), { recursive: true, force: true });
      mkdirSync(join(chartsDir, chart, 'charts'));
      cpSync(file, join(chartsDir, chart, 'charts', file.split('/').pop()!));
    }

    const lines: string[] = [];
    const result = await prepareDependencies({ helm, chartsDir, log: (line) => void lines.push(line) });
    expect(result.upstream).toEqual({ airflow: 'upstream', zammad: 'upstream' });
    expect(lines).toContain(
      `airflow ${versions.airflow}: already downloaded (sha256 ${createHash('sha256').update(readFileSync(airflow)).digest('hex')}, not pinned)`,
    );
    expect(lines).toContain(
      `zammad ${versions.zammad}: already downloaded (sha256 ${createHash('sha256').update(readFileSync(zammad)).digest('hex')}, matches the pin)`,
    );
    expect(readdirSync(join(chartsDir, 'logclaw-tenant', 'charts'))).toContain('logclaw-airflow-0.1.0.tgz');

    writeFileSync(join(chartsDir, 'logclaw-zammad', 'charts', `zammad-${versions.zammad}.tgz`), 'changed');
    const error = await prepareDependencies({ helm, chartsDir, log: (line) => void lines.push(line) }).catch((thrown: Error) => thrown);
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^zammad ${versions.zammad}: the archive in .* has sha256 [0-9a-f]{64}, not the pinned `)),
    );
    expect((error as Error).message).toContain(`cannot download zammad ${versions.zammad} from ${unreachable}`);
  }, 300_000);
});
