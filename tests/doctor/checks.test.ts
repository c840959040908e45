// Doctor checks on namespaced failure states, built in the shared real kube-apiserver (one tenant
// namespace per check): each detector reports the failure with its evidence, the fix changes the
// state, and the re-check passes. Cluster-scoped checks (CRDs, node labels) and the healthy stack
// run in a private cluster: cluster.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import type { DoctorCheck, DoctorCheckId } from '#contract/doctor.js';
import { DevSecretsStore } from '../../electron/services/stack/secrets.js';
import { preparedCharts } from '../charts/support.js';
import { startRateLimitedRegistry } from '../fakes/rate-limited-registry.js';
import { ensureNamespace, kubeConfigOf } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';
import {
  HEALTHY_PROC,
  ago,
  event,
  execRecorder,
  fixRunningWhatItShows,
  fakeProc,
  helm,
  patchCustomStatus,
  patchPodStatus,
  readyDeployment,
  setReleaseStatus,
  tinyChart,
  unschedulablePod,
} from './support.js';

const RUN = Date.now().toString(36).slice(-5);
const tenantFor = (check: string) => `dr${RUN}-${check}`;
const ns = (tenant: string) => `logclaw-${tenant}`;

describe('doctor checks (namespaced failure states)', () => {
  let env: Pick<EndpointTypes, 'kube' | 'tools'>;
  let backend: Backend;
  let kc: KubeConfig;
  let dataDir: string;
  let chartsDir: string;
  const temps: string[] = [];
  const recorder = execRecorder();

  beforeAll(async () => {
    env = await useTestEnv('kube', 'tools');
    kc = kubeConfigOf(env.kube);
    chartsDir = await preparedCharts(env.tools.helm);
    dataDir = mkdtempSync(join(tmpdir(), 'logclaw-doctor-'));
    const proc = fakeProc(HEALTHY_PROC);
    temps.push(dataDir, proc);
    backend = await createBackend({
      transport: 'cli',
      dataDir,
      onExec: recorder.onExec,
      kubeTarget: { kubeconfig: env.kube.kubeconfig, context: env.kube.context },
      env: {
        ...process.env,
        PATH: [dirname(env.tools.helm), dirname(env.tools.kubectl), process.env.PATH].join(':'),
        LOGCLAW_DOCTOR_PROC_ROOT: proc,
        LOGCLAW_CHARTS_DIR: chartsDir,
      },
    });
    await backend.call('settings:update', { toolPaths: { helm: env.tools.helm, kubectl: env.tools.kubectl } });
  });
  afterAll(async () => {
    await backend?.close();
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  const detect = async (tenant: string, id: DoctorCheckId): Promise<DoctorCheck> =>
    (await backend.call('doctor:run', { tenant, only: [id] })).checks[0]!;
  const fixAndRecheck = async (tenant: string, id: DoctorCheckId) => {
    const result = await fixRunningWhatItShows(backend, recorder, { tenant, id });
    expect(result.before.status).toBe('fail');
    expect(result.after, JSON.stringify(result.after, null, 2)).toMatchObject({ id, status: 'ok' });
    return result;
  };

  it("2 airflow-webserver-oom: an OOMKilled webserver gets the local profile's 2Gi limit", async () => {
    const tenant = tenantFor('oom');
    const pod = await readyDeployment(kc, ns(tenant), `logclaw-airflow-${tenant}-webserver`, {
      labels: { tier: 'airflow', component: 'webserver' },
      container: 'webserver',
      memory: '512Mi',
    });
    await patchPodStatus(kc, ns(tenant), pod.metadata!.name!, {
      containerStatuses: [
        {
          name: 'webserver',
          ready: true,
          restartCount: 4,
          image: 'registry.invalid/stand-in:1',
          imageID: '',
          started: true,
          state: { running: { startedAt: new Date() } },
          lastState: {
            terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: new Date(ago(60_000)), finishedAt: new Date(ago(30_000)) },
          },
        },
      ],
    });
    await event(
      kc,
      ns(tenant),
      { kind: 'Pod', name: pod.metadata!.name! },
      { reason: 'BackOff', message: 'Back-off restarting failed container webserver' },
    );
    const check = await detect(tenant, 'airflow-webserver-oom');
    expect(check.status).toBe('fail');
    expect(check.summary).toContain('OOMKilled with a memory limit of 512Mi');
    expect(check.fix).toMatchObject({ automatic: true });
    expect(check.fix!.commands[0]).toContain(
      `set resources deployment/logclaw-airflow-${tenant}-webserver -c webserver --limits=memory=2Gi`,
    );
    expect(check.evidence.flatMap((e) => e.lines).join('\n')).toContain('Back-off restarting failed container');
    await fixAndRecheck(tenant, 'airflow-webserver-oom');
    const deployment = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: `logclaw-airflow-${tenant}-webserver`, namespace: ns(tenant) });
    expect(deployment.spec!.template.spec!.containers[0]!.resources!.limits!.memory).toBe('2Gi');
  });

  it('3 airflow-migrations: pods waiting for migrations get the migration Job run again', async () => {
    const tenant = tenantFor('mig');
    const namespace = ns(tenant);
    await ensureNamespace(kc, namespace);
    const job = `logclaw-airflow-${tenant}-migrate-1a2b3c4d`;
    // The Job never ran (what an install with --no-hooks or a timed-out one leaves).
    await kc.makeApiClient(BatchV1Api).createNamespacedJob({
      namespace,
      body: {
        metadata: { name: job, labels: { 'app.kubernetes.io/component': 'migrate' } },
        spec: {
          suspend: true,
          backoffLimit: 2,
          template: {
            metadata: { labels: { 'app.kubernetes.io/component': 'migrate' } },
            spec: {
              restartPolicy: 'OnFailure',
              containers: [{ name: 'migrate', image: 'apache/airflow:2.9.2', command: ['airflow', 'db', 'migrate'] }],
            },
          },
        },
      },
    });
    for (const component of ['scheduler', 'webserver']) {
      const name = `logclaw-airflow-${tenant}-${component}-7d9f8-abcde`;
      await unschedulablePod(kc, namespace, name, {
        labels: { tier: 'airflow', component },
        initContainers: [
          { name: 'wait-for-airflow-migrations', image: 'apache/airflow:2.9.2', command: ['airflow', 'db', 'check-migrations'] },
        ],
      });
      await patchPodStatus(kc, namespace, name, {
        phase: 'Pending',
        startTime: new Date(ago(15 * 60_000)),
        initContainerStatuses: [
          {
            name: 'wait-for-airflow-migrations',
            ready: false,
            restartCount: 0,
            image: 'apache/airflow:2.9.2',
            imageID: '',
            state: { running: { startedAt: new Date(ago(15 * 60_000)) } },
          },
        ],
      });
    }
    const check = await detect(tenant, 'airflow-migrations');
    expect(check.status).toBe('fail');
    expect(check.summary).toContain('wait for database migrations; the migration Job is suspended (never ran)');
    expect(check.evidence[0]!.lines[0]).toMatch(/init container wait-for-airflow-migrations: running for 1[45] min/);
    const result = await fixAndRecheck(tenant, 'airflow-migrations');
    expect(result.applied).toEqual(expect.arrayContaining([`re-created job/${job} (airflow db migrate)`, `job/${job} completed`]));
    const after = await kc.makeApiClient(BatchV1Api).readNamespacedJob({ name: job, namespace });
    expect(after.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')).toBe(true);
  });

  it("4 opensearch-auth: a Secret that differs from the app's dev credentials is reset, and its readers restarted", async () => {
    const tenant = tenantFor('auth');
    const namespace = ns(tenant);
    const { secrets } = await new DevSecretsStore(dataDir).ensure(tenant);
    await ensureNamespace(kc, namespace);
    await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'opensearch-admin-credentials' }, stringData: { username: 'admin', password: 'admin' } },
    });
    await readyDeployment(kc, namespace, `logclaw-ticketing-agent-${tenant}`, {
      env: [{ name: 'OPENSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: 'opensearch-admin-credentials', key: 'password' } } }],
    });
    const check = await detect(tenant, 'opensearch-auth');
    expect(check.status).toBe('fail');
    expect(check.summary).toContain("password differs from the app's dev credentials");
    expect(JSON.stringify(check)).not.toContain(secrets.opensearchAdminPassword);
    const result = await fixAndRecheck(tenant, 'opensearch-auth');
    expect(result.applied).toContain(`restarted deployment/logclaw-ticketing-agent-${tenant} (reads opensearch-admin-credentials)`);
    const secret = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'opensearch-admin-credentials', namespace });
    expect(Buffer.from(secret.data!.password!, 'base64').toString()).toBe(secrets.opensearchAdminPassword);
  });

  it('6 opensearch-cluster-manager: an operator cluster without a cluster manager is switched to standalone', async () => {
    const tenant = tenantFor('osm');
    const namespace = ns(tenant);
    const release = `logclaw-opensearch-${tenant}`;
    await helm(env.tools.helm, env.kube, [
      'install',
      release,
      join(chartsDir, 'logclaw-opensearch'),
      '-n',
      namespace,
      '--create-namespace',
      '-f',
      join(chartsDir, 'logclaw-opensearch', 'ci', 'operator-values.yaml'),
      '--set',
      `global.tenantId=${tenant}`,
    ]);
    const cluster = `logclaw-opensearch-${tenant}`;
    await event(
      kc,
      namespace,
      { kind: 'OpenSearchCluster', name: cluster, apiVersion: 'opensearch.opster.io/v1' },
      {
        reason: 'Unhealthy',
        message:
          'Readiness probe failed: {"error":{"root_cause":[{"type":"cluster_manager_not_discovered_exception","reason":null}],"type":"cluster_manager_not_discovered_exception","reason":null},"status":503}',
      },
    );
    const check = await detect(tenant, 'opensearch-cluster-manager');
    expect(check.status).toBe('fail');
    expect(check.fix!.commands[0]).toContain(`helm upgrade ${release}`);
    expect(check.fix!.commands[0]).toContain('global.opensearch.mode=standalone');
    await fixAndRecheck(tenant, 'opensearch-cluster-manager');
    const statefulset = await kc.makeApiClient(AppsV1Api).readNamespacedStatefulSet({ name: `opensearch-${tenant}`, namespace });
    expect(statefulset.spec?.replicas).toBe(1);
  });

  it('7 vector-kafka: a Kafka CR without the plain listener Vector uses gets it added', async () => {
    const tenant = tenantFor('vk');
    const namespace = ns(tenant);
    await ensureNamespace(kc, namespace);
    const kafka = `logclaw-kafka-${tenant}`;
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'kafka.strimzi.io',
      version: 'v1',
      plural: 'kafkas',
      namespace,
      body: {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'Kafka',
        metadata: { name: kafka },
        spec: { kafka: { listeners: [{ name: 'tls', port: 9093, type: 'internal', tls: true }] } },
      },
    });
    await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: `logclaw-ingestion-${tenant}` },
        data: {
          'vector.yaml': `sinks:\n  kafka:\n    type: kafka\n    bootstrap_servers: "${kafka}-kafka-bootstrap:9092"\n    topic: raw-logs\n`,
        },
      },
    });
    const check = await detect(tenant, 'vector-kafka');
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(`kafka/${kafka} has no listener on port 9092 (the plain listener)`);
    expect(check.fix).toMatchObject({ title: 'Add the plain listener', automatic: true });
    await fixAndRecheck(tenant, 'vector-kafka');
  });

  it('10 helm-releases: a release left pending-install is uninstalled, a failed upgrade rolled back', async () => {
    const tenant = tenantFor('helm');
    const namespace = ns(tenant);
    const chart = tinyChart();
    temps.push(chart);
    await helm(env.tools.helm, env.kube, ['install', `stuck-${tenant}`, chart, '-n', namespace, '--create-namespace']);
    await setReleaseStatus(kc, namespace, `stuck-${tenant}`, 1, 'pending-install');
    await helm(env.tools.helm, env.kube, ['install', `broken-${tenant}`, chart, '-n', namespace]);
    await helm(env.tools.helm, env.kube, ['upgrade', `broken-${tenant}`, chart, '-n', namespace, '--set', 'message=v2']);
    await setReleaseStatus(kc, namespace, `broken-${tenant}`, 2, 'failed');
    const list = JSON.parse(await helm(env.tools.helm, env.kube, ['list', '-a', '-n', namespace, '-o', 'json'])) as Array<{
      name: string;
      status: string;
    }>;
    expect(Object.fromEntries(list.map((r) => [r.name, r.status]))).toEqual({
      [`stuck-${tenant}`]: 'pending-install',
      [`broken-${tenant}`]: 'failed',
    });
    const check = await detect(tenant, 'helm-releases');
    expect(check.status).toBe('fail');
    expect(check.summary).toBe(`broken-${tenant} is failed; stuck-${tenant} is pending-install.`);
    expect(check.fix!.commands).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`helm rollback broken-${tenant} 1 -n ${namespace}`),
        expect.stringContaining(`helm uninstall stuck-${tenant} -n ${namespace}`),
      ]),
    );
    await fixAndRecheck(tenant, 'helm-releases');
    const after = JSON.parse(await helm(env.tools.helm, env.kube, ['list', '-a', '-n', namespace, '-o', 'json'])) as Array<{
      name: string;
      status: string;
      revision: string;
    }>;
    expect(after.map((r) => [r.name, r.status, r.revision])).toEqual([[`broken-${tenant}`, 'deployed', '3']]);
  });

  it('11 external-secrets: an ExternalSecret not Ready is explained with its store and remote key (no one-click fix)', async () => {
    const tenant = tenantFor('eso');
    const namespace = ns(tenant);
    await ensureNamespace(kc, namespace);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const eso = { group: 'external-secrets.io', version: 'v1beta1', namespace };
    await custom.createNamespacedCustomObject({
      ...eso,
      plural: 'secretstores',
      body: {
        apiVersion: 'external-secrets.io/v1beta1',
        kind: 'SecretStore',
        metadata: { name: 'logclaw-aws' },
        spec: { provider: { fake: { data: [] } } },
      },
    });
    await custom.createNamespacedCustomObject({
      ...eso,
      plural: 'externalsecrets',
      body: {
        apiVersion: 'external-secrets.io/v1beta1',
        kind: 'ExternalSecret',
        metadata: { name: 'opensearch-admin-credentials' },
        spec: {
          secretStoreRef: { name: 'logclaw-aws', kind: 'SecretStore' },
          target: { name: 'opensearch-admin-credentials' },
          data: [{ secretKey: 'password', remoteRef: { key: `logclaw/${tenant}/opensearch`, property: 'password' } }],
        },
      },
    });
    await patchCustomStatus(
      kc,
      { ...eso, plural: 'secretstores', name: 'logclaw-aws' },
      {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'InvalidProviderConfig', message: 'unable to validate store: AccessDenied' },
        ],
      },
    );
    const ref = { ...eso, plural: 'externalsecrets', name: 'opensearch-admin-credentials' };
    await patchCustomStatus(kc, ref, {
      conditions: [{ type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'could not get secret data from provider' }],
    });
    const check = await detect(tenant, 'external-secrets');
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(
      `opensearch-admin-credentials (store SecretStore/logclaw-aws, key logclaw/${tenant}/opensearch#password → password)`,
    );
    expect(check.evidence[0]!.lines).toEqual(
      expect.arrayContaining([
        'Ready=False (SecretSyncedError): could not get secret data from provider',
        'store: SecretStore logclaw-aws: Ready=False – unable to validate store: AccessDenied',
      ]),
    );
    expect(check.fix?.automatic).toBe(false);
    await expect(backend.call('doctor:fix', { tenant, id: 'external-secrets', confirm: 'external-secrets' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    // What ESO reports once the store is fixed: the re-check passes.
    await patchCustomStatus(kc, ref, {
      conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'Secret was synced' }],
    });
    expect((await detect(tenant, 'external-secrets')).status).toBe('ok');
  });

  it('12 pod-failures: CrashLoopBackOff and ImagePullBackOff pods are reported with their events (no one-click fix)', async () => {
    const tenant = tenantFor('crash');
    const namespace = ns(tenant);
    await unschedulablePod(kc, namespace, `logclaw-ticketing-agent-${tenant}-5c8d9-x1y2z`);
    await patchPodStatus(kc, namespace, `logclaw-ticketing-agent-${tenant}-5c8d9-x1y2z`, {
      containerStatuses: [
        {
          name: 'main',
          ready: false,
          restartCount: 6,
          image: 'registry.invalid/stand-in:1',
          imageID: '',
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=main' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: new Date(ago(90_000)), finishedAt: new Date(ago(80_000)) } },
        },
      ],
    });
    await event(
      kc,
      namespace,
      { kind: 'Pod', name: `logclaw-ticketing-agent-${tenant}-5c8d9-x1y2z` },
      { reason: 'BackOff', message: 'Back-off restarting failed container main in pod' },
    );
    await unschedulablePod(kc, namespace, `logclaw-ml-engine-${tenant}-feast-server-0`);
    await patchPodStatus(kc, namespace, `logclaw-ml-engine-${tenant}-feast-server-0`, {
      containerStatuses: [
        {
          name: 'main',
          ready: false,
          restartCount: 0,
          image: 'registry.invalid/stand-in:1',
          imageID: '',
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.invalid/stand-in:1"' } },
        },
      ],
    });
    await event(
      kc,
      namespace,
      { kind: 'Pod', name: `logclaw-ml-engine-${tenant}-feast-server-0` },
      { reason: 'Failed', message: 'Failed to pull image "registry.invalid/stand-in:1": dial tcp: lookup registry.invalid: no such host' },
    );
    const check = await detect(tenant, 'pod-failures');
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(`logclaw-ticketing-agent-${tenant}-5c8d9-x1y2z/main: CrashLoopBackOff`);
    expect(check.summary).toContain(`logclaw-ml-engine-${tenant}-feast-server-0/main: ImagePullBackOff`);
    const evidence = check.evidence.flatMap((e) => e.lines).join('\n');
    expect(evidence).toContain('last exit 1 (Error), 6 restarts');
    expect(evidence).toContain('no such host');
    expect(check.evidence.map((e) => e.source)).toContain(`pod/logclaw-ticketing-agent-${tenant}-5c8d9-x1y2z logs (main, previous run)`);
    await expect(backend.call('doctor:fix', { tenant, id: 'pod-failures', confirm: 'pod-failures' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    // Once the cause is fixed the containers run: the re-check passes.
    for (const name of [`logclaw-ticketing-agent-${tenant}-5c8d9-x1y2z`, `logclaw-ml-engine-${tenant}-feast-server-0`]) {
      await patchPodStatus(kc, namespace, name, {
        containerStatuses: [
          {
            name: 'main',
            ready: true,
            restartCount: 6,
            image: 'registry.invalid/stand-in:1',
            imageID: '',
            started: true,
            state: { running: { startedAt: new Date() } },
          },
        ],
      });
    }
    expect((await detect(tenant, 'pod-failures')).status).toBe('ok');
  });

  it("13 image-pulls: each image a pod cannot pull, its registry, the node's error and a probe from here (no one-click fix)", async () => {
    const tenant = tenantFor('pull');
    const namespace = ns(tenant);
    const { registry } = await useTestEnv('registry');
    const hub = await startRateLimitedRegistry({
      images: {},
      publicRepositories: ['library/python'],
      exhausted: { 'library/python': { retryAfterSeconds: 3600 } },
    });
    try {
      const missing = `${registry.host}/logclaw/vector:0.99.0-missing`;
      const limited = `${hub.host}/library/python:3.12-slim`;
      const invalid = 'Logclaw/Agent:1';
      const pods = [
        { name: `logclaw-ingestion-${tenant}-7f9c8-abcde`, image: missing, reason: 'ErrImagePull' },
        { name: `logclaw-ml-engine-${tenant}-feast-server-0`, image: limited, reason: 'ImagePullBackOff' },
        { name: `logclaw-ticketing-agent-${tenant}-5c8d9-x1y2z`, image: invalid, reason: 'InvalidImageName' },
      ];
      const message: Record<string, string> = {
        ErrImagePull: `rpc error: code = NotFound desc = failed to pull and unpack image "${missing}": failed to resolve reference "${missing}": ${missing}: not found`,
        ImagePullBackOff: `Back-off pulling image "${limited}"`,
        InvalidImageName: `Failed to apply default image tag "${invalid}": couldn't parse image name "${invalid}": invalid reference format`,
      };
      for (const pod of pods) {
        await unschedulablePod(kc, namespace, pod.name, { containers: [{ name: 'main', image: pod.image }] });
        await patchPodStatus(kc, namespace, pod.name, {
          containerStatuses: [
            {
              name: 'main',
              ready: false,
              restartCount: 0,
              image: pod.image,
              imageID: '',
              state: { waiting: { reason: pod.reason, message: message[pod.reason] } },
            },
          ],
        });
      }
      await event(
        kc,
        namespace,
        { kind: 'Pod', name: pods[1]!.name },
        {
          reason: 'Failed',
          message: `Failed to pull image "${limited}": failed to copy: httpReadSeeker: failed open: unexpected status code https://${hub.host}/v2/library/python/manifests/3.12-slim: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.`,
        },
      );
      const check = await detect(tenant, 'image-pulls');
      expect(check.status).toBe('fail');
      expect(check.summary).toBe(
        `${missing} (${registry.host}): not found; ${limited} (${hub.host}): rate-limited; ${invalid} (docker.io): invalid name.`,
      );
      const evidence = Object.fromEntries(check.evidence.map((e) => [e.source, e.lines]));
      expect(evidence[`image ${missing} (${registry.host})`]).toEqual(
        expect.arrayContaining([
          `pods: ${pods[0]!.name}/main ErrImagePull`,
          `the node's error says not found ("NotFound")`,
          `from this machine: not found: ${registry.host} has no logclaw/vector:0.99.0-missing (404)`,
        ]),
      );
      const limitedLines = evidence[`image ${limited} (${hub.host})`]!.join('\n');
      expect(limitedLines).toContain(`the node's error says rate-limited ("429 Too Many Requests")`);
      expect(limitedLines).toMatch(
        /from this machine: rate-limited: .*0 of 100 pulls left in a 6 h window; try again after \d{4}-\d\d-\d\dT/,
      );
      expect(evidence[`image ${invalid} (docker.io)`]!.join('\n')).toContain(
        'not probed: "Logclaw/Agent:1" is not a valid image reference',
      );
      expect(check.fix).toMatchObject({ automatic: false, title: 'Fix the image references or access' });
      expect(check.fix!.changes).toContain(
        `${missing}: Pin a tag that ${registry.host} has, or mirror the image and point global.imageRegistry`,
      );
      expect(check.fix!.changes).toMatch(new RegExp(`${limited.replace(/[.]/g, '\\.')}: Wait until \\d{4}-`));
      expect(check.fix!.commands).toEqual([`docker login ${hub.host}`, expect.stringContaining(`describe pod ${pods[0]!.name}`)]);
      expect(hub.violations).toEqual([]);
      await expect(backend.call('doctor:fix', { tenant, id: 'image-pulls', confirm: 'image-pulls' })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
      });
      // Once the references are corrected the pods run: the re-check passes.
      for (const pod of pods)
        await patchPodStatus(kc, namespace, pod.name, {
          containerStatuses: [
            {
              name: 'main',
              ready: true,
              restartCount: 0,
              image: pod.image,
              imageID: '',
              started: true,
              state: { running: { startedAt: new Date() } },
            },
          ],
        });
      expect(await detect(tenant, 'image-pulls')).toMatchObject({ status: 'ok', summary: '3 pod(s), none failing to pull its image.' });
    } finally {
      await hub.close();
    }
  });

  it('a fix needs its confirmation, and a passing check has nothing to fix', async () => {
    const tenant = tenantFor('conf');
    await expect(backend.call('doctor:fix', { tenant, id: 'helm-releases', confirm: 'yes' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    const result = await backend.call('doctor:fix', { tenant, id: 'helm-releases', confirm: 'helm-releases' });
    expect(result.applied).toEqual(['nothing to fix: the check passes']);
  });
});
