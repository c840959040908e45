// Doctor checks that change cluster-scoped state (CRDs, node labels), the host checks, and the
// no-false-positives run on a healthy stack: in a private kube-apiserver + kwok started by this
// file (the shared one is used by other test files in parallel).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import { DOCTOR_CHECK_IDS, type DoctorCheckId } from '#contract/doctor.js';
import { DevSecretsStore } from '../../electron/services/stack/secrets.js';
import type { Running } from '../../scripts/test-env/component.js';
import { cacheRoot, freePort } from '../../scripts/test-env/env.js';
import kube, { type KubeEndpoint } from '../../scripts/test-env/kube/component.js';
import { crdsDir, kubectlRun } from '../../scripts/test-env/kube/helpers.js';
import { killPids } from '../../scripts/test-env/kube/kwok.js';
import { ensureNamespace, kubeConfigOf, serviceBackedBy, waitFor } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';
import {
  HEALTHY_PROC,
  execRecorder,
  fakeProc,
  fixRunningWhatItShows,
  helm,
  patchCustomStatus,
  readyDeployment,
  setProc,
  tinyChart,
} from './support.js';

const TENANT = `dc${Date.now().toString(36).slice(-5)}`;
const NAMESPACE = `logclaw-${TENANT}`;

describe('doctor on a private cluster', () => {
  let env: Pick<EndpointTypes, 'tools' | 'opensearch'>;
  let cluster: Running<KubeEndpoint>;
  let endpoint: KubeEndpoint;
  let kc: KubeConfig;
  let backend: Backend;
  let proc: string;
  const temps: string[] = [];
  const recorder = execRecorder();
  const ctx = { cacheRoot: cacheRoot(), runDir: mkdtempSync(join(tmpdir(), 'logclaw-doctor-kube-')), freePort, log: () => undefined };

  beforeAll(async () => {
    env = await useTestEnv('tools', 'opensearch');
    const started = Date.now();
    await kube.provision(ctx);
    cluster = await kube.start(ctx, { tools: env.tools });
    endpoint = cluster.endpoint;
    process.stderr.write(`[doctor] private kube cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    kc = kubeConfigOf(endpoint);
    proc = fakeProc(HEALTHY_PROC);
    const dataDir = mkdtempSync(join(tmpdir(), 'logclaw-doctor-'));
    const bundle = join(dataDir, 'strimzi-crds-0.50.1.yaml');
    const strimzi = join(crdsDir(), 'strimzi');
    writeFileSync(
      bundle,
      readdirSync(strimzi)
        .filter((name) => name.endsWith('.yaml'))
        .sort()
        .map((name) => readFileSync(join(strimzi, name), 'utf8'))
        .join('\n---\n'),
    );
    temps.push(ctx.runDir, proc, dataDir);
    backend = await createBackend({
      transport: 'cli',
      dataDir,
      onExec: recorder.onExec,
      kubeTarget: { kubeconfig: endpoint.kubeconfig, context: endpoint.context },
      env: {
        ...process.env,
        PATH: [dirname(env.tools.helm), dirname(env.tools.kubectl), process.env.PATH].join(':'),
        LOGCLAW_DOCTOR_PROC_ROOT: proc,
        LOGCLAW_STRIMZI_CRDS_URL: bundle,
      },
      forwardTiming: { probeIntervalMs: 300, backoffMs: 100, maxBackoffMs: 1000, failAfter: 30, probeTimeoutMs: 2000 },
    });
    await backend.call('settings:update', { tenant: TENANT, toolPaths: { helm: env.tools.helm, kubectl: env.tools.kubectl } });
  });
  afterAll(async () => {
    await backend?.close();
    if (cluster) {
      await kube.stop?.(ctx, cluster).catch(() => undefined);
      killPids(cluster.pids);
    }
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  const detect = async (id: DoctorCheckId) => (await backend.call('doctor:run', { only: [id] })).checks[0]!;

  it('a healthy stack: every check is ok and the step-5 checklist is green (no false positives)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await ensureNamespace(kc, NAMESPACE);
    const chart = tinyChart();
    temps.push(chart);
    // The full local profile's nine releases, deployed.
    const releases = [
      'platform',
      'kafka',
      'opensearch',
      'ingestion',
      'flink',
      'ml-engine',
      'airflow',
      'anomaly-scorer',
      'ticketing-agent',
    ].map((name) => `logclaw-${name}-${TENANT}`);
    await Promise.all(releases.map((release) => helm(env.tools.helm, endpoint, ['install', release, chart, '-n', NAMESPACE])));
    const { secrets } = await new DevSecretsStore(backend.dataDir).ensure(TENANT);
    await core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'opensearch-admin-credentials' },
        stringData: { username: 'admin', password: secrets.opensearchAdminPassword },
      },
    });
    await readyDeployment(kc, NAMESPACE, `logclaw-airflow-${TENANT}-webserver`, {
      labels: { tier: 'airflow', component: 'webserver' },
      container: 'webserver',
      memory: '2Gi',
    });
    await readyDeployment(kc, NAMESPACE, `logclaw-airflow-${TENANT}-scheduler`, {
      labels: { tier: 'airflow', component: 'scheduler' },
      container: 'scheduler',
    });
    await readyDeployment(kc, NAMESPACE, `logclaw-ingestion-${TENANT}`);
    const kafka = `logclaw-kafka-${TENANT}`;
    const ref = { group: 'kafka.strimzi.io', version: 'v1', plural: 'kafkas', namespace: NAMESPACE, name: kafka };
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'Kafka',
        metadata: { name: kafka },
        spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } },
      },
    });
    await patchCustomStatus(kc, ref, {
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }],
    });
    await core.createNamespacedConfigMap({
      namespace: NAMESPACE,
      body: {
        metadata: { name: `logclaw-ingestion-${TENANT}` },
        data: { 'vector.yaml': `sinks:\n  kafka:\n    bootstrap_servers: "${kafka}-kafka-bootstrap:9092"\n` },
      },
    });
    // OpenSearch (standalone): the Service reaches the real test OpenSearch through kwok; the forward reads its health.
    await serviceBackedBy(endpoint, {
      namespace: NAMESPACE,
      name: `logclaw-opensearch-${TENANT}`,
      port: 9200,
      realPort: Number(new URL(env.opensearch.url).port),
    });
    await backend.call('forwards:start', { id: 'opensearch', localPort: await freePort() });
    await waitFor(
      async () => (await backend.call('forwards:list')).find((f) => f.id === 'opensearch')?.state === 'ready',
      'the OpenSearch forward',
    );

    const report = await backend.call('doctor:run', {});
    expect(report.error).toBeUndefined();
    expect(report.checks.map((c) => c.id)).toEqual([...DOCTOR_CHECK_IDS]);
    const notOk = report.checks.filter((c) => c.status !== 'ok');
    expect(notOk, JSON.stringify(notOk, null, 2)).toEqual([]);
    expect(report.checks.find((c) => c.id === 'strimzi-crds')!.summary).toBe('4 Strimzi CRDs serve v1.');

    const health = await backend.call('doctor:health', {});
    expect(Object.fromEntries(health.items.map((item) => [item.id, item.status])), JSON.stringify(health.items, null, 2)).toEqual({
      pods: 'ok',
      kafka: 'ok',
      opensearch: 'ok',
      releases: 'ok',
    });
    expect(health.items.find((item) => item.id === 'releases')!.summary).toBe('9/9 releases deployed.');
    expect(health.items.find((item) => item.id === 'opensearch')!.summary).toMatch(/: (green|yellow)/);
    await backend.call('forwards:stop', { id: 'opensearch' });
  });

  it('1 strimzi-crds: an older KafkaUser CRD without kafka.strimzi.io/v1 is upgraded server-side and the operator restarted', async () => {
    const crdFile = join(crdsDir(), 'strimzi', '044-Crd-kafkauser.yaml');
    const crd = YAML.parse(readFileSync(crdFile, 'utf8')) as { spec: { versions: Array<{ name: string }> } };
    crd.spec.versions = crd.spec.versions.filter((version) => version.name !== 'v1');
    await kubectlRun(env.tools.kubectl, endpoint, ['replace', '-f', '-'], { input: JSON.stringify(crd) });
    await readyDeployment(kc, 'strimzi-system', 'strimzi-cluster-operator');
    const check = await detect('strimzi-crds');
    expect(check.status).toBe('fail');
    expect(check.summary).toBe('kafkausers does not serve kafka.strimzi.io/v1 (older CRDs than Strimzi 0.50.1).');
    expect(check.evidence[0]!.lines.find((line) => line.startsWith('kafkausers'))).toMatch(
      /^kafkausers.kafka.strimzi.io: serves (?!.*\bv1\b)/,
    );
    expect(check.fix!.commands[1]).toContain('kubectl rollout restart deployment -n strimzi-system strimzi-cluster-operator');
    const result = await fixRunningWhatItShows(backend, recorder, { id: 'strimzi-crds' });
    expect(result.applied).toContain('restarted deployment strimzi-system/strimzi-cluster-operator');
    expect(result.after.status).toBe('ok');
    const operator = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'strimzi-cluster-operator', namespace: 'strimzi-system' });
    expect(operator.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
  });

  it('5 topology-zone: pods Pending on topology spread because the node has no zone label get the node labelled', async () => {
    await kubectlRun(env.tools.kubectl, endpoint, ['label', 'node', 'kwok-node-0', 'topology.kubernetes.io/zone-']);
    const name = `logclaw-ticketing-agent-${TENANT}`;
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: 'topology.kubernetes.io/zone',
                  whenUnsatisfiable: 'DoNotSchedule',
                  labelSelector: { matchLabels: { app: name } },
                },
              ],
              containers: [{ name: 'main', image: 'registry.invalid/stand-in:1' }],
            },
          },
        },
      },
    });
    // The real scheduler reports why (PodScheduled=False and a FailedScheduling event).
    await waitFor(async () => (await detect('topology-zone')).status === 'fail', 'the scheduler to give up on the pod');
    const check = await detect('topology-zone');
    expect(check.summary).toContain('node(s) kwok-node-0 have no topology.kubernetes.io/zone label');
    expect(check.evidence.flatMap((e) => e.lines).join('\n')).toMatch(/didn't match pod topology spread constraints/);
    expect(check.fix!.commands).toEqual([
      expect.stringContaining('kubectl label node kwok-node-0 topology.kubernetes.io/zone=zone-a --overwrite'),
    ]);
    const result = await fixRunningWhatItShows(backend, recorder, { id: 'topology-zone' });
    expect(result.after.status).toBe('ok');
    await waitFor(
      async () =>
        (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: `app=${name}` })).items.some(
          (pod) => pod.status?.phase === 'Running',
        ),
      'the pod to run',
    );
  });

  it('8 vm-max-map-count and 9 inotify: low host limits fail with the sysctl commands (not one-click); raised, they pass', async () => {
    setProc(proc, { maxMapCount: 65_530, watches: 8192, instances: 128 });
    const [maps, watches] = (await backend.call('doctor:run', { only: ['vm-max-map-count', 'inotify'] })).checks;
    expect(maps).toMatchObject({
      status: 'fail',
      fix: { automatic: false, commands: expect.arrayContaining(['sudo sysctl -w vm.max_map_count=262144']) },
    });
    expect(maps!.summary).toContain('vm.max_map_count is 65530');
    expect(watches).toMatchObject({
      status: 'warn',
      fix: {
        automatic: false,
        commands: expect.arrayContaining(['sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512']),
      },
    });
    await expect(backend.call('doctor:fix', { id: 'vm-max-map-count', confirm: 'vm-max-map-count' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    // What the sysctl commands do.
    setProc(proc, HEALTHY_PROC);
    expect((await backend.call('doctor:run', { only: ['vm-max-map-count', 'inotify'] })).checks.map((c) => c.status)).toEqual(['ok', 'ok']);
  });

  it("8/9 on this machine's real /proc: the local cluster (API server on loopback) is judged by the host kernel", async () => {
    const real = await createBackend({
      transport: 'cli',
      dataDir: mkdtempSync(join(tmpdir(), 'logclaw-doctor-real-')),
      kubeTarget: { kubeconfig: endpoint.kubeconfig, context: endpoint.context },
    });
    temps.push(real.dataDir);
    try {
      const [maps, watches] = (await real.call('doctor:run', { only: ['vm-max-map-count', 'inotify'] })).checks;
      const value = Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8'));
      expect(maps!.status).toBe(value >= 262_144 ? 'ok' : 'fail');
      expect(maps!.summary).toContain(`vm.max_map_count is ${value}`);
      const instances = Number(readFileSync('/proc/sys/fs/inotify/max_user_instances', 'utf8'));
      const watchCount = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8'));
      expect(watches!.status).toBe(instances >= 512 && watchCount >= 524_288 ? 'ok' : 'warn');
    } finally {
      await real.close();
    }
  });
});
