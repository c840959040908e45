// `logclaw up` end to end on a kind cluster: the FAKE kind (tests/fakes/kind: a real
// kube-apiserver with kwok nodes) creates the cluster, the operators come from a local chart
// repository of FAKE stand-ins, the tenant releases from charts/ (prepared with the Airflow/Zammad
// stand-ins), all with real helm. The harness plays the storage provisioner and Strimzi (Kafka
// Ready); kwok makes pods Ready. Then `status --json`, `down`, and `down --delete-cluster`.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackStatus } from '#contract/stack.js';
import { runCli } from '../support/cli.js';
import { useTestEnv } from '../support/test-env.js';
import { type StackTestSetup, jsonLines, playOperators, stackEnv, stackSetup } from './support.js';

const CLUSTER = `up${Date.now().toString(36).slice(-5)}`;
const TENANT = 'dev-local';

interface Event {
  event: string;
  id?: string;
  state?: string;
  step?: string;
  text?: string;
  job?: string;
  ok?: boolean;
}

describe('logclaw up / status / down on a kind cluster', () => {
  let setup: StackTestSetup;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let player: ReturnType<typeof playOperators>;

  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    setup = await stackSetup(tools);
    home = mkdtempSync(join(tmpdir(), 'logclaw-stack-up-'));
    // The fake docker reports enough CPUs for the stack's requests (a 2-core CI machine has not).
    env = stackEnv(setup, home, { LOGCLAW_FAKE_DOCKER_NCPU: '8', LOGCLAW_FAKE_DOCKER_MEM_TOTAL: String(16 * 1024 ** 3) });
    player = playOperators(() => ({ file: join(home, 'stack', 'kubeconfig'), context: `kind-${CLUSTER}` }));
  }, 600_000);

  afterAll(async () => {
    await player?.stop();
    if (env) await execa('kind', ['delete', 'cluster', '--name', CLUSTER], { env, reject: false });
    await setup?.operators.close();
    if (home) rmSync(home, { recursive: true, force: true });
  }, 120_000);

  it('creates the cluster, installs the operators and the full profile as a DAG, and status shows everything deployed', async () => {
    const up = await runCli(
      [
        'up',
        '--profile',
        'full',
        '--cluster',
        CLUSTER,
        '--tenant',
        TENANT,
        '--timeout',
        '3m',
        '--ignore-preflight',
        'vm-max-map-count,disk',
        '--json',
      ],
      env,
    );
    const events = jsonLines<Event>(up.stdout);
    const result = events.find((event) => event.event === 'result');
    expect(result, up.stderr).toMatchObject({ state: 'succeeded', ok: true });
    expect(up.exitCode).toBe(0);

    // Every step ran once and is done.
    const done = events.filter((event) => event.event === 'step' && event.state === 'done').map((event) => event.id);
    expect(done).toHaveLength(19);
    expect(new Set(done).size).toBe(19);
    // The DAG: after platform, Kafka's CRD check, OpenSearch and Airflow run side by side.
    const index = (id: string, state: string) =>
      events.findIndex((event) => event.event === 'step' && event.id === id && event.state === state);
    const firstDone = Math.min(index('release:opensearch', 'done'), index('release:airflow', 'done'));
    expect(index('release:opensearch', 'running')).toBeLessThan(firstDone);
    expect(index('release:airflow', 'running')).toBeLessThan(firstDone);
    expect(index('release:kafka', 'running')).toBeGreaterThan(index('crds:strimzi', 'done'));
    expect(index('release:ticketing-agent', 'running')).toBeGreaterThan(index('release:ml-engine', 'done'));
    // The images are pulled into the node beside the operators, before any release waits for its pods.
    expect(index('images', 'running')).toBeLessThan(index('operator:strimzi', 'done'));
    expect(index('release:platform', 'running')).toBeGreaterThan(index('images', 'done'));
    // kind got the app's config and kubeconfig; the older Strimzi CRDs were upgraded server-side.
    const lines = events.filter((event) => event.event === 'line');
    expect(
      lines
        .filter((line) => line.step === 'cluster')
        .map((line) => line.text)
        .join('\n'),
    ).toContain(`Creating cluster "${CLUSTER}"`);
    expect(
      lines
        .filter((line) => line.step === 'crds:strimzi')
        .map((line) => line.text)
        .join('\n'),
    ).toMatch(/kafkausers\.kafka\.strimzi\.io serves v1beta2.*\n.*upgrading them server-side/);
    expect(lines.find((line) => line.step === 'preflight' && line.text?.includes('vm.max_map_count'))?.text).toBeDefined();
    // The operators came from their archives in the data folder: FAKE charts here, allowed by the test's permission and labelled.
    expect(lines.find((line) => line.step === 'preflight' && line.text?.startsWith('! Charts:'))?.text).toMatch(/STAND-IN/);
    expect(lines.filter((line) => line.step === 'operator:cert-manager').map((line) => line.text)).toContain(
      'STAND-IN: cert-manager v1.16.1+logclaw-fake is a FAKE test chart, allowed by LOGCLAW_ALLOW_STAND_INS=1; no digest applies',
    );
    expect((await runCli(['status', '--tenant', TENANT], env)).stdout).toContain('cert-manager-v1.16.1+logclaw-fake STAND-IN');

    const status = JSON.parse((await runCli(['status', '--json', '--tenant', TENANT], env)).stdout) as StackStatus;
    expect(status).toMatchObject({
      reachable: true,
      namespace: 'logclaw-dev-local',
      target: { managed: true, cluster: CLUSTER, context: `kind-${CLUSTER}` },
    });
    // Only the operators the releases need: standalone OpenSearch needs none.
    expect(status.operators.map((op) => [op.name, op.status, op.chartVersion])).toEqual([
      ['cert-manager', 'deployed', 'v1.16.1+logclaw-fake'],
      ['external-secrets', 'deployed', '0.10.3+logclaw-fake'],
      ['strimzi', 'deployed', '0.50.1+logclaw-fake'],
      ['flink-operator', 'deployed', '1.9.0+logclaw-fake'],
      ['opensearch-operator', 'not installed', null],
    ]);
    expect(status.releases.map((release) => [release.release, release.status])).toEqual(
      ['platform', 'kafka', 'opensearch', 'ingestion', 'flink', 'ml-engine', 'airflow', 'anomaly-scorer', 'ticketing-agent'].map((name) => [
        `logclaw-${name}-${TENANT}`,
        'deployed',
      ]),
    );
    const pods = status.components.flatMap((component) => component.pods.map((pod) => ({ component: component.name, ...pod })));
    expect(new Set(status.components.map((component) => component.name))).toEqual(
      new Set(['opensearch', 'ingestion', 'ml-engine', 'airflow', 'anomaly-scorer', 'ticketing-agent']),
    );
    expect(pods.filter((pod) => pod.phase !== 'Succeeded').every((pod) => pod.phase === 'Running' && pod.ready === pod.containers)).toBe(
      true,
    );
    expect(status.job).toMatchObject({ kind: 'stack-up', state: 'succeeded' });
    expect(status.steps.find((step) => step.id === 'release:kafka')?.etaMs).toBeGreaterThan(0);

    // The node carries the topology zone the charts spread over.
    const kc = new KubeConfig();
    kc.loadFromFile(join(home, 'stack', 'kubeconfig'));
    kc.setCurrentContext(`kind-${CLUSTER}`);
    const nodes = await kc.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((node) => node.metadata?.labels?.['topology.kubernetes.io/zone'])).toEqual(['zone-a']);

    // Dev secrets: random, 0600, never in a log or on the terminal.
    const secretsFile = join(home, 'stack', 'secrets', `${TENANT}.json`);
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    const logs = readdirSync(join(home, 'jobs'))
      .map((file) => readFileSync(join(home, 'jobs', file), 'utf8'))
      .join('\n');
    for (const value of [secrets.opensearchAdminPassword!, secrets.airflowDbPassword!]) {
      expect(logs).not.toContain(value);
      expect(up.stdout + up.stderr).not.toContain(value);
    }
    const secret = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ name: 'opensearch-admin-credentials', namespace: 'logclaw-dev-local' });
    expect(Buffer.from(secret.data!.password!, 'base64').toString()).toBe(secrets.opensearchAdminPassword);
  }, 900_000);

  it('down uninstalls the releases, then the namespace; down --delete-cluster removes the cluster', async () => {
    const down = await runCli(['down', '--tenant', TENANT, '--yes'], env);
    expect(down.exitCode, down.stderr).toBe(0);
    const status = JSON.parse((await runCli(['status', '--json', '--tenant', TENANT], env)).stdout) as StackStatus;
    expect(status.releases.every((release) => release.status === 'not installed')).toBe(true);
    expect(status.components).toEqual([]);
    expect(status.operators.filter((op) => op.status === 'deployed')).toHaveLength(4);
    expect(status.job).toMatchObject({ kind: 'stack-down', state: 'succeeded' });

    const refused = await runCli(['down', '--delete-cluster'], env);
    expect(refused.stderr).toContain('pass --yes to confirm');
    const deleted = await runCli(['down', '--delete-cluster', '--yes'], env);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(
      (await execa('kind', ['get', 'clusters'], { env })).stdout + (await execa('kind', ['get', 'clusters'], { env })).stderr,
    ).not.toContain(CLUSTER);
    const settings = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as { kubeconfig?: string; context?: string };
    expect(settings.context).toBeUndefined();
  }, 600_000);
});
