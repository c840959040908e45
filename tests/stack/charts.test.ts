// The operator charts' archives and the tenant charts' upstream charts, checked before anything is
// installed from them: the operator step of the installer against a real kube-apiserver with real
// helm, its charts served from a local chart repository (a small chart of our own with a recorded
// digest, one without, and a FAKE stand-in versioned +logclaw-fake).
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import { AppError } from '#contract/index.js';
import { acceptCharts, chartCache, digestOf, installedCharts, readAcceptance } from '../../electron/services/stack/chart-trust.js';
import { isEquivalentLine } from '../../electron/services/stack/ops/shown.js';
import type { PlanOperator, StackPlan } from '../../electron/services/stack/plan.js';
import { StackService } from '../../electron/services/stack/stack-service.js';
import { checkDependencies, chartsCheck } from '../../electron/services/stack/steps/chart-checks.js';
import { operatorStep } from '../../electron/services/stack/steps/operators.js';
import { type StepEnv, type UpParams, stepCommands } from '../../electron/services/stack/steps/step.js';
import { LocalChartRepo } from '../../scripts/charts/local-repo.js';
import { runOrThrow } from '../../scripts/charts/lib.js';
import { useTestEnv } from '../support/test-env.js';

const DEMO = { name: 'demo-operator', version: '1.0.0' };
const LOOSE = { name: 'loose-operator', version: '1.0.0' };
const FAKE = { name: 'fake-operator', version: '2.0.0' };

/** A chart folder with one ConfigMap (nothing to wait for), or a FAKE stand-in of it. */
function writeChart(root: string, name: string, version: string): string {
  const dir = join(root, `${name}-${version}`);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: ${version}\ntype: application\n`);
  writeFileSync(
    join(dir, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  chart: {{ .Chart.Version | quote }}\n',
  );
  return dir;
}

interface Recorded {
  lines: string[];
  commands: string[];
}

describe('operator charts: downloaded, checked against their digest, installed from the cache', () => {
  let helm: string;
  let kube: { kubeconfig: string; context: string };
  let work: string;
  let repo: LocalChartRepo;
  let backend: Backend;
  let demoDigest: string;

  beforeAll(async () => {
    ({
      tools: { helm },
      kube,
    } = await useTestEnv('tools', 'kube'));
    work = mkdtempSync(join(tmpdir(), 'logclaw-stack-charts-'));
    repo = new LocalChartRepo(helm);
    await repo.add(writeChart(work, DEMO.name, DEMO.version));
    await repo.add(writeChart(work, LOOSE.name, LOOSE.version));
    await repo.add(writeChart(work, FAKE.name, `${FAKE.version}+logclaw-fake`));
    await repo.start();
    demoDigest = digestOf(readFileSync(join(repo.dir, `${DEMO.name}-${DEMO.version}.tgz`)), 'sha256');
    backend = await createBackend({
      transport: 'cli',
      dataDir: join(work, 'data'),
      env: { PATH: [dirname(helm), '/usr/bin', '/bin'].join(':'), HOME: process.env.HOME },
    });
  }, 600_000);

  afterAll(async () => {
    await backend?.close();
    await repo?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function operator(release: string, chart: { name: string; version: string }, digest: string | null): PlanOperator {
    return {
      name: release,
      namespace: `charts-${release}`,
      chart: { repository: 'https://charts.example.invalid/', ...chart, digest, digestSource: `the test's own ${chart.name} archive` },
      values: {},
      dependsOn: [],
    };
  }

  function stepEnv(operators: PlanOperator[], standIns = false): StepEnv {
    return {
      ctx: backend,
      plan: { operators, tenant: { namespace: 'logclaw-{tenantId}', helmFlags: [], releases: [] } } as unknown as StackPlan,
      chartsDir: join(work, 'charts'),
      secrets: {} as StepEnv['secrets'],
      operatorRepo: repo.url,
      standIns,
      preflight: async () => ({ ok: true, lines: [], report: { checks: [] } }),
      images: async () => [],
    };
  }

  function params(): UpParams {
    return {
      tenant: 'charts',
      storageClass: 'standard',
      target: { mode: 'existing', kubeconfig: [kube.kubeconfig], context: kube.context },
      timeout: '2m',
      ignorePreflight: [],
      releases: [],
      schedule: 'dag',
    } as UpParams;
  }

  /** Runs the operator's step; resolves to what it logged and the commands it showed while running. */
  async function runStep(env: StepEnv, op: PlanOperator): Promise<Recorded & { planned: string[] }> {
    const step = operatorStep(env, params(), op);
    const recorded: Recorded = { lines: [], commands: [] };
    const error = await step
      .run({
        jobId: 'test',
        stepId: step.id,
        params: {},
        signal: new AbortController().signal,
        line: (text) => void recorded.lines.push(text),
        message: () => undefined,
        command: (text) => void recorded.commands.push(text),
      })
      .then(
        () => null,
        (failure: unknown) => failure,
      );
    if (error) throw Object.assign(error as Error, { recorded });
    return { ...recorded, planned: stepCommands(step) };
  }

  async function failure(env: StepEnv, op: PlanOperator): Promise<AppError & { recorded: Recorded }> {
    const error = await runStep(env, op).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError & { recorded: Recorded };
  }

  const installed = async (release: string) =>
    (
      await runOrThrow(helm, ['list', '-A', '-o', 'json', '--kubeconfig', kube.kubeconfig, '--kube-context', kube.context]).then(
        (out) => JSON.parse(out) as Array<{ name: string; chart: string }>,
      )
    ).find((entry) => entry.name === release)?.chart;

  it('pulls the archive into the data folder, checks its digest and installs from it, running exactly the commands it shows', async () => {
    const op = operator('demo', DEMO, `sha256:${demoDigest}`);
    const cache = chartCache(backend.dataDir, DEMO);
    const run = await runStep(stepEnv([op]), op);
    const planned = run.planned.filter((line) => !isEquivalentLine(line));
    expect(planned).toEqual([
      `helm pull demo-operator --repo ${repo.url} --version 1.0.0 --destination ${cache.download}`,
      expect.stringMatching(new RegExp(`^helm upgrade --install demo ${cache.archive} --namespace charts-demo --create-namespace `)),
    ]);
    expect(run.commands.filter((line) => !isEquivalentLine(line))).toEqual(planned);
    expect(run.commands).toContain(`echo '${demoDigest}  ${cache.archive}' | sha256sum --check  # equivalent`);
    expect(run.lines).toContain(`demo-operator 1.0.0: sha256 ${demoDigest} matches the test's own demo-operator archive`);
    expect(readdirSync(cache.dir)).toEqual(['demo-operator-1.0.0.tgz']);
    expect(await installed('demo')).toBe('demo-operator-1.0.0');
  }, 300_000);

  it('a tampered cached archive stops the install with both digests and where the expected one came from; a retry downloads it again', async () => {
    const op = operator('tampered', DEMO, `sha256:${demoDigest}`);
    const cache = chartCache(backend.dataDir, DEMO);
    appendFileSync(cache.archive, 'tampered');
    const tampered = digestOf(readFileSync(cache.archive), 'sha256');
    const error = await failure(stepEnv([op]), op);
    expect(error.code).toBe('HASH_MISMATCH');
    expect(error.message).toBe(
      `demo-operator 1.0.0: ${cache.archive} has sha256 ${tampered}, but ${demoDigest} is expected (from the test's own demo-operator archive)`,
    );
    expect(error.hint).toContain('Nothing was installed from it. Retry: the archive is downloaded again');
    expect(
      error.recorded.commands.some((line) => line.startsWith('helm pull')),
      'the cached archive was used',
    ).toBe(false);
    expect(existsSync(cache.archive)).toBe(false);
    expect(await installed('tampered')).toBeUndefined();

    const retry = await runStep(stepEnv([op]), op);
    expect(retry.commands[0]).toMatch(/^helm pull demo-operator /);
    expect(await installed('tampered')).toBe('demo-operator-1.0.0');
  }, 300_000);

  it('a chart without a digest is installed only once accepted, then must match the accepted archive', async () => {
    const op = operator('loose', LOOSE, null);
    const env = stepEnv([op]);
    const cache = chartCache(backend.dataDir, LOOSE);
    const refused = await failure(env, op);
    const sha = digestOf(readFileSync(cache.archive), 'sha256');
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toBe(
      `loose-operator 1.0.0 has no recorded digest, so ${cache.archive} (sha256 ${sha}) cannot be checked: it is installed only once you accept it`,
    );
    expect(refused.hint).toContain(`If you trust ${repo.url}, accept it once: \`logclaw up --accept-chart loose-operator\``);
    // What the app window offers to accept.
    expect(refused.detail).toEqual({
      accept: [{ name: 'loose-operator', version: '1.0.0', repository: repo.url, why: "the test's own loose-operator archive" }],
    });
    expect(await installed('loose')).toBeUndefined();

    // What `logclaw up --accept-chart loose-operator` records (through the service, below, for a real plan's chart).
    await acceptCharts(backend.dataDir, installedCharts(env.plan, env.chartsDir), ['loose-operator']);
    const accepted = await runStep(env, op);
    expect(
      accepted.commands.some((line) => line.startsWith('helm pull')),
      'the archive shown in the refusal is the one accepted',
    ).toBe(false);
    expect(accepted.lines).toContain(
      `loose-operator 1.0.0: accepted without a digest; sha256 ${sha} recorded, later archives must match it`,
    );
    expect(readAcceptance(backend.dataDir, LOOSE)).toMatchObject({ sha256: sha });
    expect(await installed('loose')).toBe('loose-operator-1.0.0');

    appendFileSync(cache.archive, 'x');
    const again = operator('loose-again', LOOSE, null);
    const mismatch = await failure(stepEnv([again]), again);
    expect(mismatch.code).toBe('HASH_MISMATCH');
    expect(mismatch.message).toContain(`but ${sha} is expected (from your acceptance of `);
  }, 300_000);

  it('`up --accept-chart` records the acceptance in the data folder; an unknown chart name is refused with the known ones', async () => {
    const stack = new StackService(backend);
    const target = { mode: 'existing' as const, kubeconfig: kube.kubeconfig, context: kube.context };
    const withoutDigest = stack.plan.operators.filter((candidate) => candidate.chart.digest === null).map((candidate) => candidate.chart);
    expect(withoutDigest.map((chart) => chart.name)).toContain('cert-manager');
    await stack.upParams({ target, acceptCharts: ['cert-manager'] });
    expect(
      readAcceptance(
        backend.dataDir,
        withoutDigest.find((chart) => chart.name === 'cert-manager')!,
      ),
    ).toMatchObject({ sha256: null });
    const unknown = await stack.upParams({ target, acceptCharts: ['no-such-chart'] }).catch((error: AppError) => error);
    expect(unknown).toMatchObject({ code: 'INVALID_REQUEST', message: 'No chart "no-such-chart" to accept' });
    expect((unknown as AppError).hint).toContain('strimzi-kafka-operator');
  }, 120_000);

  it('a chart versioned +logclaw-fake is refused without the stand-ins permission, and labelled STAND-IN with it', async () => {
    const op = operator('fake', FAKE, null);
    const cache = chartCache(backend.dataDir, FAKE);
    const refused = await failure(stepEnv([op], false), op);
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toBe(
      `STAND-IN: ${cache.archive} is fake-operator 2.0.0+logclaw-fake, a FAKE test chart, not fake-operator 2.0.0`,
    );
    expect(refused.hint).toContain('Only tests install stand-ins (from a checkout, with LOGCLAW_ALLOW_STAND_INS=1)');
    expect(existsSync(cache.archive)).toBe(false);
    expect(await installed('fake')).toBeUndefined();

    const allowed = await runStep(stepEnv([op], true), op);
    expect(allowed.lines).toContain(
      'STAND-IN: fake-operator 2.0.0+logclaw-fake is a FAKE test chart, allowed by LOGCLAW_ALLOW_STAND_INS=1; no digest applies',
    );
    expect(await installed('fake')).toBe('fake-operator-2.0.0+logclaw-fake');
  }, 300_000);

  it('upstream charts inside a tenant chart: a stand-in or a changed archive stops the release; preflight says so first', async () => {
    // A wrapper chart like logclaw-airflow, its dependency prepared as charts:deps --stand-ins would.
    const chartsDir = join(work, 'charts');
    const wrapper = join(chartsDir, 'logclaw-demo');
    mkdirSync(join(wrapper, 'charts'), { recursive: true });
    writeFileSync(
      join(wrapper, 'Chart.yaml'),
      'apiVersion: v2\nname: logclaw-demo\nversion: 0.1.0\ndependencies:\n  - {name: demo-operator, version: 1.0.0, repository: https://charts.example.invalid/}\n',
    );
    const pin = (sha256: string | null) =>
      writeFileSync(
        join(chartsDir, 'upstream-charts.yaml'),
        `charts:\n  - {name: demo-operator, version: 1.0.0, repository: https://charts.example.invalid/, wrapper: logclaw-demo, sha256: ${sha256 ? `'${sha256}'` : 'null'}, sha256Source: the test's index.yaml, standIn: none}\n`,
      );
    pin(demoDigest);
    await runOrThrow(helm, [
      'package',
      writeChart(join(work, 'stand-in'), DEMO.name, `${DEMO.version}+logclaw-fake`),
      '-d',
      join(wrapper, 'charts'),
    ]);
    // An operator without a digest that no chosen release needs is not asked about.
    const env = stepEnv([
      operator('demo', DEMO, `sha256:${demoDigest}`),
      operator('unneeded', { name: 'unneeded-operator', version: '1.0.0' }, null),
    ]);
    env.plan.tenant.releases.push({
      name: 'demo',
      chart: 'charts/logclaw-demo',
      release: 'logclaw-demo-{tenantId}',
      values: { local: [], tenantSection: 'logclaw-demo' },
      operators: [],
      dependsOn: [],
      local: true,
    });
    const install = { ...params(), releases: ['demo'] };
    const s = {
      jobId: 't',
      stepId: 'release:demo',
      params: {},
      signal: new AbortController().signal,
      line: () => undefined,
      message: () => undefined,
      command: () => undefined,
    };

    const standIn = 'logclaw-demo/charts/demo-operator-1.0.0+logclaw-fake.tgz';
    expect(await chartsCheck(env, install)).toMatchObject({
      id: 'chart-digests',
      status: 'fail',
      reason: `STAND-IN: ${standIn} is a FAKE test chart, never installed for real`,
      command: 'npm run charts:deps',
    });
    await expect(checkDependencies(env, wrapper, s)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/^STAND-IN: /),
    });
    expect(await chartsCheck({ ...env, standIns: true }, install)).toMatchObject({
      status: 'warn',
      reason: `STAND-IN: ${standIn} is a FAKE test chart (allowed by LOGCLAW_ALLOW_STAND_INS=1)`,
    });

    // The real archive where charts:deps puts it: passes; another one fails with both digests.
    rmSync(join(wrapper, 'charts'), { recursive: true });
    mkdirSync(join(wrapper, 'charts'));
    writeFileSync(join(wrapper, 'charts', 'demo-operator-1.0.0.tgz'), readFileSync(join(repo.dir, 'demo-operator-1.0.0.tgz')));
    expect(await chartsCheck(env, install)).toMatchObject({ status: 'pass' });
    await checkDependencies(env, wrapper, s);
    pin('0'.repeat(64));
    expect(await chartsCheck(env, install)).toMatchObject({
      status: 'fail',
      reason: `logclaw-demo/charts/demo-operator-1.0.0.tgz has sha256 ${demoDigest}, but ${'0'.repeat(64)} is expected (from the test's index.yaml)`,
    });
    await expect(checkDependencies(env, wrapper, s)).rejects.toMatchObject({ code: 'HASH_MISMATCH' });

    // Unpinned: refused until accepted, like an operator chart without a digest.
    pin(null);
    expect(await chartsCheck(env, install)).toMatchObject({ status: 'fail', command: 'logclaw up --accept-chart demo-operator' });
    // Once a chosen release needs that operator, its chart is asked about too.
    env.plan.tenant.releases[0]!.operators = ['unneeded'];
    expect(await chartsCheck(env, install)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('unneeded-operator 1.0.0 has no recorded digest'),
      command: 'logclaw up --accept-chart demo-operator,unneeded-operator',
      accept: [
        { name: 'demo-operator', version: '1.0.0', repository: 'https://charts.example.invalid/', why: "the test's index.yaml" },
        { name: 'unneeded-operator', version: '1.0.0', repository: repo.url, why: "the test's own unneeded-operator archive" },
      ],
    });
  }, 300_000);
});
