// resources/stack.yaml (the install plan) and the local profile: per-chart releases render exactly
// the seed's step-5 releases and pods, with the same names as the umbrella.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, readChart } from '../../scripts/charts/lib.js';
import { useTestEnv } from '../support/test-env.js';
import { type K8sObject, WORKLOAD_KINDS, get, ofKind, preparedCharts, render, repoYaml } from './support.js';

interface Release {
  name: string;
  chart: string;
  release: string;
  values: { local: string[]; tenantSection: string };
  operators: string[];
  dependsOn: string[];
  local?: boolean;
}
interface Plan {
  operators: { name: string; namespace: string; chart: { repository: string; name: string; version: string }; dependsOn: string[] }[];
  tenant: { namespace: string; umbrella: { chart: string; release: string; values: { local: string[] } }; releases: Release[] };
}

const plan = repoYaml<Plan>('resources/stack.yaml');
const TENANT = 'dev-local';
const NAMESPACE = `logclaw-${TENANT}`;
const fill = (s: string) => s.replaceAll('{tenantId}', TENANT);

let helm: string;
let chartsDir: string;

beforeAll(async () => {
  const { tools } = await useTestEnv('tools');
  helm = tools.helm;
  chartsDir = await preparedCharts(helm);
});

/** The pods a rendered stack makes once running: name (or name prefix for Deployments) → containers. */
function expectedPods(docs: K8sObject[]): Record<string, number> {
  const pods: Record<string, number> = {};
  for (const w of docs.filter((d) => WORKLOAD_KINDS.includes(d.kind))) {
    const spec = w.spec as { replicas?: number; template: { spec: { containers: unknown[] } } };
    const containers = spec.template.spec.containers.length;
    if (w.kind === 'StatefulSet') for (let i = 0; i < (spec.replicas ?? 1); i++) pods[`${w.metadata.name}-${i}`] = containers;
    else pods[`${w.metadata.name}-...`] = containers;
  }
  // Strimzi makes <cluster>-<pool>-<n> per node and the entity operator (topic + user operator).
  for (const kafka of ofKind(docs, 'Kafka')) {
    for (const pool of ofKind(docs, 'KafkaNodePool').filter((p) => p.metadata.labels?.['strimzi.io/cluster'] === kafka.metadata.name)) {
      for (let i = 0; i < (pool.spec as { replicas: number }).replicas; i++) pods[`${kafka.metadata.name}-${pool.metadata.name}-${i}`] = 1;
    }
    const eo = (kafka.spec as { entityOperator?: Record<string, unknown> }).entityOperator;
    if (eo) pods[`${kafka.metadata.name}-entity-operator-...`] = ['topicOperator', 'userOperator'].filter((k) => k in eo).length;
  }
  return pods;
}

describe('install plan (resources/stack.yaml)', () => {
  it('names the five cluster operators with the seed versions, chart repositories and namespaces', () => {
    expect(plan.operators.map((o) => [o.name, o.chart.name, o.chart.version, o.namespace])).toEqual([
      ['cert-manager', 'cert-manager', 'v1.16.1', 'cert-manager'],
      ['external-secrets', 'external-secrets', '0.10.3', 'external-secrets'],
      ['strimzi', 'strimzi-kafka-operator', '0.50.1', 'strimzi-system'],
      ['flink-operator', 'flink-kubernetes-operator', '1.9.0', 'flink-system'],
      ['opensearch-operator', 'opensearch-operator', '2.6.1', 'opensearch-operator-system'],
    ]);
    for (const o of plan.operators) expect(o.chart.repository).toMatch(/^https:\/\//);
  });

  it('operators are never dependencies of the tenant charts', () => {
    const operatorCharts = new Set(plan.operators.map((o) => o.chart.name));
    for (const release of [...plan.tenant.releases.map((r) => r.chart), plan.tenant.umbrella.chart]) {
      for (const dep of readChart(join(REPO_ROOT, release)).dependencies ?? [])
        expect(operatorCharts.has(dep.name), `${release} → ${dep.name}`).toBe(false);
    }
  });

  it('every release names an existing chart, its release pattern, local values, known operators and an acyclic dependsOn', () => {
    const names = new Set(plan.tenant.releases.map((r) => r.name));
    const operators = new Set(plan.operators.map((o) => o.name));
    for (const r of plan.tenant.releases) {
      const chart = readChart(join(REPO_ROOT, r.chart)).name;
      expect(r.release).toBe(`${chart}-{tenantId}`);
      expect(r.values.tenantSection).toBe(chart);
      for (const f of r.values.local) expect(existsSync(join(REPO_ROOT, f)), f).toBe(true);
      for (const d of r.dependsOn) expect(names.has(d), `${r.name} dependsOn ${d}`).toBe(true);
      for (const o of r.operators) expect(operators.has(o), `${r.name} operator ${o}`).toBe(true);
    }
    // Kahn's algorithm: every release gets scheduled.
    const done = new Set<string>();
    while (done.size < names.size) {
      const ready = plan.tenant.releases.filter((r) => !done.has(r.name) && r.dependsOn.every((d) => done.has(d)));
      expect(ready.length, `cycle among ${[...names].filter((n) => !done.has(n)).join(', ')}`).toBeGreaterThan(0);
      for (const r of ready) done.add(r.name);
    }
    expect(plan.tenant.namespace).toBe('logclaw-{tenantId}');
  });
});

describe("local profile (the seed's step 5)", () => {
  const local = plan.tenant.releases.filter((r) => r.local !== false);
  let perChart: Map<string, K8sObject[]>;

  beforeAll(async () => {
    perChart = new Map();
    for (const r of local)
      perChart.set(
        r.name,
        await render(helm, chartsDir, r.chart.replace(/^charts\//, ''), {
          release: fill(r.release),
          namespace: NAMESPACE,
          files: r.values.local.map((f) => join(chartsDir, '..', 'charts', f.replace(/^charts\//, ''))),
        }),
      );
  }, 120_000);

  it('installs 9 releases', () => {
    expect(local.map((r) => fill(r.release))).toEqual([
      'logclaw-platform-dev-local',
      'logclaw-kafka-dev-local',
      'logclaw-opensearch-dev-local',
      'logclaw-ingestion-dev-local',
      'logclaw-flink-dev-local',
      'logclaw-ml-engine-dev-local',
      'logclaw-airflow-dev-local',
      'logclaw-anomaly-scorer-dev-local',
      'logclaw-ticketing-agent-dev-local',
    ]);
  });

  it("runs exactly the seed's 11 pods with the scorer and the ticket sink, with their container counts", () => {
    const pods = expectedPods([...perChart.values()].flat());
    expect(pods).toEqual({
      'logclaw-kafka-dev-local-combined-0': 1,
      // The plain listener has no KafkaUsers, so the entity operator runs the Topic Operator only.
      'logclaw-kafka-dev-local-entity-operator-...': 1,
      'opensearch-dev-local-0': 1,
      'logclaw-ingestion-dev-local-...': 1,
      'logclaw-ml-engine-dev-local-feast-server-...': 1,
      'logclaw-airflow-dev-local-postgresql-0': 1,
      'logclaw-airflow-dev-local-scheduler-...': 2,
      'logclaw-airflow-dev-local-webserver-...': 1,
      'logclaw-airflow-dev-local-triggerer-0': 2,
      'logclaw-airflow-dev-local-statsd-...': 1,
      'logclaw-anomaly-scorer-dev-local-...': 1,
      'logclaw-ticketing-agent-dev-local-...': 1,
      'logclaw-ticketing-agent-dev-local-sink-...': 1,
    });
  });

  it("exposes the seed's Services and ports", () => {
    const all = [...perChart.values()].flat();
    const ports = (name: string) => (get(all, 'Service', name).spec as { ports: { port: number }[] }).ports.map((p) => p.port);
    expect(ports('logclaw-airflow-dev-local-webserver')).toEqual([8080]);
    expect(ports('logclaw-opensearch-dev-local')).toContain(9200);
    expect(ports('logclaw-ingestion-dev-local')).toEqual([8080, 8686, 9598]);
    expect(ports('logclaw-ml-engine-dev-local-feast-server')).toEqual([6567]);
    expect(ports('logclaw-ticketing-agent-dev-local')).toEqual([8080]);
    // Strimzi names the bootstrap Service <cluster>-kafka-bootstrap; the plain listener is 9092.
    const kafka = get(all, 'Kafka', 'logclaw-kafka-dev-local').spec as {
      kafka: { listeners: { name: string; port: number; tls: boolean; authentication?: unknown }[] };
    };
    expect(kafka.kafka.listeners).toEqual([{ name: 'plain', port: 9092, type: 'internal', tls: false }]);
  });

  it('matches the seed\'s "What runs locally": standalone OpenSearch, Flink off, no KServe/VPA, Feast local, bundled PostgreSQL, the agent on node', () => {
    const all = [...perChart.values()].flat();
    expect(ofKind(all, 'OpenSearchCluster')).toEqual([]);
    const os = get(all, 'StatefulSet', 'opensearch-dev-local').spec as {
      serviceName: string;
      template: { spec: { containers: { env: { name: string; value: string }[] }[] } };
    };
    expect(os.template.spec.containers[0]!.env).toEqual(
      expect.arrayContaining([
        { name: 'discovery.type', value: 'single-node' },
        { name: 'DISABLE_SECURITY_PLUGIN', value: 'true' },
      ]),
    );
    expect(perChart.get('flink')).toEqual([]);
    expect(all.filter((d) => ['InferenceService', 'VerticalPodAutoscaler', 'ExternalSecret', 'SecretStore'].includes(d.kind))).toEqual([]);
    expect(get(all, 'Secret', 'opensearch-admin-credentials')).toBeDefined();
    const scheduler = (
      get(all, 'Deployment', 'logclaw-airflow-dev-local-scheduler').spec as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers[0]!;
    expect(scheduler.image).toBe('apache/airflow:2.9.2');
    const webserver = (
      get(all, 'Deployment', 'logclaw-airflow-dev-local-webserver').spec as {
        template: { spec: { containers: { resources: { limits: { memory: string } } }[] } };
      }
    ).template.spec.containers[0]!;
    expect(webserver.resources.limits.memory).toBe('2Gi');
  });

  it('Vector writes JSON events to raw-logs and, locally, to OpenSearch logclaw-logs-YYYY.MM.DD with an ingest_timestamp', async () => {
    const { default: YAML } = await import('yaml');
    const config = YAML.parse(
      (get(perChart.get('ingestion')!, 'ConfigMap', 'logclaw-ingestion-dev-local').data as Record<string, string>)['vector.yaml']!,
    ) as {
      api: { address: string };
      sources: Record<string, { type: string; address?: string; decoding?: { codec: string } }>;
      transforms: { stamp: { source: string } };
      sinks: Record<
        string,
        {
          type: string;
          topic?: string;
          bootstrap_servers?: string;
          encoding?: { codec: string };
          endpoints?: string[];
          bulk?: { index: string };
          api_version?: string;
          address?: string;
        }
      >;
    };
    expect(config.sources.http_in).toMatchObject({ type: 'http_server', address: '0.0.0.0:8080', decoding: { codec: 'json' } });
    expect(config.api.address).toBe('0.0.0.0:8686');
    expect(config.sinks.prometheus).toMatchObject({ type: 'prometheus_exporter', address: '0.0.0.0:9598' });
    expect(config.sinks.kafka_raw).toMatchObject({
      type: 'kafka',
      topic: 'raw-logs',
      bootstrap_servers: 'logclaw-kafka-dev-local-kafka-bootstrap:9092',
      encoding: { codec: 'json' },
    });
    expect(config.sinks.opensearch).toMatchObject({
      type: 'elasticsearch',
      endpoints: ['http://logclaw-opensearch-dev-local:9200'],
      api_version: 'v7',
      bulk: { index: 'logclaw-logs-%Y.%m.%d' },
    });
    expect(config.transforms.stamp.source).toContain('.ingest_timestamp = now()');
  });

  it('the umbrella (tenant-dev-local.yaml) creates the same LogClaw objects with the same names as the per-chart releases', async () => {
    const umbrella = await render(helm, chartsDir, 'logclaw-tenant', {
      release: NAMESPACE,
      namespace: NAMESPACE,
      files: [join(REPO_ROOT, 'resources/gitops/tenants/tenant-dev-local.yaml')],
    });
    // Objects of LogClaw's own charts carry logclaw.io/tenant; upstream Airflow's follow its release
    // name, and so does the database in the migration Job's hash (<release>-postgresql).
    const ours = (docs: K8sObject[]) =>
      docs
        .filter((d) => d.metadata.labels?.['logclaw.io/tenant'])
        .map((d) => `${d.kind}/${d.metadata.name.replace(/-migrate-[0-9a-f]{8}$/, '-migrate-<hash>')}`)
        .sort();
    expect(ours(umbrella)).toEqual(ours([...perChart.values()].flat()));
    expect(ours(umbrella).length).toBeGreaterThan(30);
  });
});
