// The CLI (`logclaw doctor --json`, `--fix`, `--health`, `logclaw bundle`) against the shared real
// kube-apiserver, and the support bundle's redaction: secrets planted in the cluster, the release
// values, the app's dev secrets and the last install job's log never appear in the zip.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSecretsStore, secretValues } from '../../electron/services/stack/secrets.js';
import { EventBus } from '../../electron/services/events.js';
import { JobRunner } from '../../electron/services/jobs/job-runner.js';
import { pathWith, runCli } from '../support/cli.js';
import { ensureNamespace, kubeConfigOf } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';
import { HEALTHY_PROC, event, fakeProc, helm, readyDeployment, setReleaseStatus, tinyChart } from './support.js';

const TENANT = `db${Date.now().toString(36).slice(-5)}`;
const NAMESPACE = `logclaw-${TENANT}`;
const PLANTED = [
  'pl4nted-Secret-data-1',
  'pl4nted-Secret-token-2',
  'pl4nted-env-pass-3',
  'pl4nted-env-token-4',
  'pl4nted-config-pass-5',
  'pl4nted-url-pass-6',
  'pl4nted-helm-pass-7',
  'pl4nted-bearer-8xyz',
];

describe('logclaw doctor / bundle (CLI)', () => {
  let env: Pick<EndpointTypes, 'kube' | 'tools'>;
  let kc: KubeConfig;
  let home: string;
  let proc: string;
  let cliEnv: NodeJS.ProcessEnv;
  let devSecrets: string[];
  const cli = (...args: string[]) =>
    runCli([...args, '--tenant', TENANT, '--kubeconfig', env.kube.kubeconfig, '--context', env.kube.context], cliEnv);

  beforeAll(async () => {
    env = await useTestEnv('kube', 'tools');
    kc = kubeConfigOf(env.kube);
    home = mkdtempSync(join(tmpdir(), 'logclaw-doctor-cli-'));
    proc = fakeProc(HEALTHY_PROC);
    cliEnv = {
      PATH: pathWith(dirname(env.tools.helm), dirname(env.tools.kubectl), dirname(process.execPath)),
      HOME: process.env.HOME,
      LOGCLAW_HOME: home,
      LOGCLAW_DOCTOR_PROC_ROOT: proc,
    };
    devSecrets = secretValues((await new DevSecretsStore(home).ensure(TENANT)).secrets);
    await ensureNamespace(kc, NAMESPACE);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: { metadata: { name: 'planted' }, stringData: { anything: PLANTED[0]!, token: PLANTED[1]! } },
    });
    await readyDeployment(kc, NAMESPACE, `logclaw-ticketing-agent-${TENANT}`, {
      env: [
        { name: 'DB_PASSWORD', value: PLANTED[2] },
        { name: 'SLACK_TOKEN', value: PLANTED[3] },
        { name: 'LOG_LEVEL', value: 'debug' },
      ],
    });
    await core.createNamespacedConfigMap({
      namespace: NAMESPACE,
      body: {
        metadata: { name: `logclaw-ingestion-${TENANT}` },
        data: { 'app.ini': `[db]\npassword = ${PLANTED[4]}\n`, connection: `postgresql://postgres:${PLANTED[5]}@db:5432/airflow` },
      },
    });
    await event(
      kc,
      NAMESPACE,
      { kind: 'Pod', name: 'somepod' },
      { reason: 'Probe', message: `GET /health with Authorization: Bearer ${PLANTED[7]} failed` },
    );
    const chart = tinyChart();
    await helm(env.tools.helm, env.kube, [
      'install',
      `logclaw-platform-${TENANT}`,
      chart,
      '-n',
      NAMESPACE,
      '--set',
      `auth.password=${PLANTED[6]}`,
    ]);
    await helm(env.tools.helm, env.kube, ['install', `logclaw-kafka-${TENANT}`, chart, '-n', NAMESPACE]);
    await setReleaseStatus(kc, NAMESPACE, `logclaw-kafka-${TENANT}`, 1, 'pending-install');
    rmSync(chart, { recursive: true, force: true });
    // A finished install job whose log mentions a dev secret (the installer masks them; the bundle must too).
    const jobs = new JobRunner(home, new EventBus());
    await jobs.init();
    jobs.register('stack-up', () => ({
      title: `Install ${TENANT}`,
      steps: [{ id: 'secrets', title: 'Dev secrets', run: async (s) => s.line(`wrote values with ${devSecrets[0]}`) }],
    }));
    const job = await jobs.start('stack-up', { tenant: TENANT });
    await jobs.wait(job.id);
    await jobs.close();
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(proc, { recursive: true, force: true });
  });

  it('`doctor --json` prints {id, status, summary, fix?} per check and exits 1 when one fails', async () => {
    const result = await cli('doctor', '--json');
    expect(result.stderr).toBe('');
    const checks = JSON.parse(result.stdout) as Array<{
      id: string;
      status: string;
      summary: string;
      fix?: { commands: string[]; automatic: boolean };
    }>;
    expect(checks).toHaveLength(13);
    for (const check of checks)
      expect(Object.keys(check).sort()).toEqual(check.fix ? ['fix', 'id', 'status', 'summary'] : ['id', 'status', 'summary']);
    const helmCheck = checks.find((c) => c.id === 'helm-releases')!;
    expect(helmCheck).toMatchObject({ status: 'fail', summary: `logclaw-kafka-${TENANT} is pending-install.` });
    expect(helmCheck.fix!.commands[0]).toContain(`helm uninstall logclaw-kafka-${TENANT} -n ${NAMESPACE}`);
    expect(result.exitCode).toBe(1);
  });

  it('`doctor --fix <id>` applies the fix, prints what it did and the re-check', async () => {
    const result = await cli('doctor', '--fix', 'helm-releases');
    expect(result.stdout).toContain(`• uninstalled ${NAMESPACE}/logclaw-kafka-${TENANT}`);
    // Other test files share this cluster's operator namespaces, so the re-check is asserted for
    // this tenant's releases only.
    expect(result.stdout).toMatch(/Re-check:\n. helm-releases /);
    const left = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedSecret({ namespace: NAMESPACE, labelSelector: 'owner=helm,status=pending-install' });
    expect(left.items).toEqual([]);
    const unknown = await cli('doctor', '--fix', 'nope');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('Unknown check "nope"');
  });

  it("`doctor --health` is the seed's step-5 checklist", async () => {
    const result = await cli('doctor', '--health', '--json');
    const report = JSON.parse(result.stdout) as { items: Array<{ id: string; status: string; summary: string }> };
    expect(report.items.map((item) => item.id)).toEqual(['pods', 'kafka', 'opensearch', 'releases']);
    expect(report.items.find((item) => item.id === 'pods')).toMatchObject({ status: 'ok', summary: '1/1 pods Running and ready.' });
    expect(report.items.find((item) => item.id === 'kafka')).toMatchObject({
      status: 'fail',
      summary: `No Kafka cluster in ${NAMESPACE}.`,
    });
    expect(report.items.find((item) => item.id === 'releases')).toMatchObject({ status: 'fail', summary: '1/9 releases deployed.' });
    expect(result.exitCode).toBe(1);
  });

  it('`bundle --out` writes a zip with every part, and no secret value anywhere in it', async () => {
    const out = join(home, 'support.zip');
    const result = await cli('bundle', '--out', out, '--json');
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout) as { path: string; files: string[]; redactions: number };
    expect(summary.path).toBe(out);
    const files = new Map(Object.entries(unzipSync(readFileSync(out))).map(([name, data]) => [name, strFromU8(data)]));
    const names = [...files.keys()];
    for (const name of [
      'README.txt',
      'versions.json',
      'settings.json',
      'doctor.json',
      'health.json',
      'preflight.json',
      'forwards.json',
      'jobs/index.json',
      'helm/releases.json',
      `helm/${NAMESPACE}/logclaw-platform-${TENANT}/history.json`,
      `helm/${NAMESPACE}/logclaw-platform-${TENANT}/values.json`,
      'resources/pods.json',
      'resources/deployments.json',
      'resources/secrets.json',
      'resources/configmaps.json',
      `events/${NAMESPACE}.json`,
    ]) {
      expect(names).toContain(name);
    }
    expect(names.some((name) => /^jobs\/.+\.log$/.test(name))).toBe(true);
    expect(names.some((name) => name.startsWith(`logs/logclaw-ticketing-agent-${TENANT}`))).toBe(true);
    const all = [...files.values()].join('\n');
    for (const secret of [...PLANTED, ...devSecrets]) {
      expect(all, `secret ${secret} leaked`).not.toContain(secret);
      expect(all).not.toContain(Buffer.from(secret).toString('base64'));
    }
    // What is kept: names and structure, so the bundle is still useful.
    expect(files.get('resources/secrets.json')).toContain('"keys": [\n      "anything",\n      "token"\n    ]');
    expect(all).toMatch(/"name": "LOG_LEVEL",\s+"value": "debug"/);
    expect(all).toContain(`wrote values with [REDACTED]`);
    const releases = JSON.parse(files.get('helm/releases.json')!) as Array<{ name: string; namespace: string; status: string }>;
    expect(releases.filter((release) => release.namespace === NAMESPACE)).toEqual([
      expect.objectContaining({ name: `logclaw-platform-${TENANT}`, status: 'deployed' }),
    ]);
    expect(summary.redactions).toBeGreaterThanOrEqual(PLANTED.length);
    // A standard unzip reads it too.
    if (existsSync('/usr/bin/unzip')) expect((await execa('unzip', ['-t', out], { reject: false })).stdout).toContain('No errors detected');
  });
});
