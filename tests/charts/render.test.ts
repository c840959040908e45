// The seed's features, asserted on what helm renders.
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { useTestEnv } from '../support/test-env.js';
import { type K8sObject, LOCAL, get, ofKind, preparedCharts, render, renderFailure } from './support.js';

let helm: string;
let chartsDir: string;

beforeAll(async () => {
  const { tools } = await useTestEnv('tools');
  helm = tools.helm;
  chartsDir = await preparedCharts(helm);
});

const PROD = { tenantId: 'acme', cloudProvider: 'aws', secretStore: { aws: { region: 'eu-west-1', roleArn: 'arn:aws:iam::1:role/eso' } } };
const PLATFORMS = ['pagerduty', 'jira', 'servicenow', 'opsgenie', 'slack', 'zammad'] as const;
/** Settings each platform needs to pass validation. */
const PLATFORM_CONFIG = {
  jira: { baseUrl: 'https://acme.atlassian.net', projectKey: 'OPS' },
  servicenow: { instanceUrl: 'https://acme.service-now.com' },
  slack: { channel: '#incidents' },
};

/** The agent on, with a tenant's own image (LogClaw publishes none, so the chart needs one). */
const AGENT = { agent: { enabled: true }, image: { registry: 'ghcr.io', repository: 'acme/logclaw-ticketing-agent', tag: '0.1.0' } };

function ticketing(enabled: string[]): Record<string, { enabled: boolean }> {
  return Object.fromEntries(PLATFORMS.map((p) => [p, { enabled: enabled.includes(p) }]));
}

interface AgentConfig {
  routing: Record<string, string[]>;
  platforms: Record<string, unknown>;
  llm: Record<string, string>;
}

function agentConfig(docs: K8sObject[]): AgentConfig {
  return YAML.parse((get(docs, 'ConfigMap', 'logclaw-ticketing-agent-acme').data as Record<string, string>)['config.yaml']!);
}

function containerEnv(deployment: K8sObject, container = 0): Record<string, unknown> {
  type Env = { name: string; value?: string; valueFrom?: unknown }[];
  const spec = (deployment.spec as { template: { spec: { containers: { env?: Env }[] } } }).template.spec;
  return Object.fromEntries((spec.containers[container]!.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
}

describe('ticketing agent', () => {
  it('routes per severity to the enabled platforms (critical → pagerduty, medium → jira)', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-ticketing-agent', { files: ['ci/saas-values.yaml'] });
    const config = agentConfig(docs);
    expect(config.routing).toEqual({ critical: ['pagerduty', 'slack'], high: ['pagerduty'], medium: ['jira'], low: ['jira'] });
    expect(Object.keys(config.platforms).sort()).toEqual(['jira', 'pagerduty', 'slack']);
    expect(config.platforms.jira).toMatchObject({ baseUrl: 'https://acme.atlassian.net', projectKey: 'OPS' });
  });

  it.each(PLATFORMS)(
    'toggles %s on its own: its settings, credentials Secret (ExternalSecret) and env, nothing of the others',
    async (platform) => {
      const docs = await render(helm, chartsDir, 'logclaw-ticketing-agent', {
        values: {
          ...AGENT,
          global: { ...PROD, ticketing: ticketing([platform]) },
          config: { ...PLATFORM_CONFIG, routing: { critical: [platform] } },
        },
      });
      expect(Object.keys(agentConfig(docs).platforms)).toEqual([platform]);
      const secrets = ofKind(docs, 'ExternalSecret').map((s) => s.metadata.name);
      expect(secrets).toEqual([`logclaw-ticketing-agent-acme-${platform}`]);
      const es = get(docs, 'ExternalSecret', `logclaw-ticketing-agent-acme-${platform}`).spec as {
        secretStoreRef: unknown;
        data: { remoteRef: { key: string } }[];
      };
      expect(es.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'logclaw-acme-secret-store' });
      expect(es.data[0]!.remoteRef.key).toBe(`logclaw/acme/ticketing/${platform}`);
      const env = Object.keys(containerEnv(get(docs, 'Deployment', 'logclaw-ticketing-agent-acme')));
      for (const other of PLATFORMS)
        expect(
          env.some((e) => e.startsWith(`${other.toUpperCase()}_`)),
          other,
        ).toBe(other === platform);
    },
  );

  it('points Zammad at the in-cluster logclaw-zammad Service', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-ticketing-agent', {
      release: 'r',
      namespace: 'logclaw-acme',
      values: { ...AGENT, global: { ...PROD, ticketing: ticketing(['zammad']) } },
    });
    expect(agentConfig(docs).platforms.zammad).toMatchObject({ url: 'http://logclaw-zammad-nginx.logclaw-acme.svc.cluster.local:8080' });
  });

  it('the local profile runs the agent bundle on the official node image, serving 8080', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-ticketing-agent', { files: LOCAL });
    const container = (
      get(docs, 'Deployment', 'logclaw-ticketing-agent-dev-local').spec as {
        template: { spec: { containers: { image: string; command: string[]; args: string[] }[] } };
      }
    ).template.spec.containers[0]!;
    expect(container.image).toBe('docker.io/library/node:22.23.2-alpine');
    expect([...container.command, ...container.args]).toEqual([
      'node',
      '/opt/logclaw/ticketing-agent.mjs',
      '--config',
      '/etc/logclaw/config.yaml',
    ]);
    expect(ofKind(docs, 'ExternalSecret')).toEqual([]);
  });
});

describe('workloads without a published image', () => {
  it('the agent and the Flink jobs render nothing by default, and fail with a `required` message when turned on without an image', async () => {
    const global = { ...PROD, ticketing: ticketing(['jira']) };
    const config = { ...PLATFORM_CONFIG, routing: { medium: ['jira'] } };
    expect(ofKind(await render(helm, chartsDir, 'logclaw-ticketing-agent', { values: { global, config } }), 'Deployment')).toEqual([]);
    expect(
      await renderFailure(helm, chartsDir, 'logclaw-ticketing-agent', { values: { global, config, agent: { enabled: true } } }),
    ).toContain('image.repository is required with agent.mode image: LogClaw publishes no ticketing-agent image');
    expect(ofKind(await render(helm, chartsDir, 'logclaw-flink', { values: { global: PROD } }), 'FlinkDeployment')).toEqual([]);
    expect(await renderFailure(helm, chartsDir, 'logclaw-flink', { values: { global: PROD, jobs: { enabled: true } } })).toContain(
      'jobs.image.repository is required with jobs.enabled: LogClaw publishes no Flink job image',
    );
  });
});

describe('LLM providers', () => {
  const cases = [
    {
      provider: 'claude',
      model: 'claude-sonnet-4-5',
      endpoint: 'https://api.anthropic.com',
      key: 'logclaw-acme-llm',
      remote: 'logclaw/acme/llm/claude',
    },
    {
      provider: 'openai',
      model: 'gpt-4o-mini',
      endpoint: 'https://api.openai.com/v1',
      key: 'logclaw-acme-llm',
      remote: 'logclaw/acme/llm/openai',
    },
    {
      provider: 'ollama',
      model: 'llama3.2:3b',
      endpoint: 'http://logclaw-ml-engine-acme-ollama.logclaw-acme.svc.cluster.local:11434',
      key: null,
      remote: null,
    },
    { provider: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct', endpoint: 'http://vllm.llm.svc:8000/v1', key: null, remote: null },
    { provider: 'disabled', model: '', endpoint: '', key: null, remote: null },
  ];
  it.each(cases)('$provider: the agent gets provider, model, endpoint and (cloud only) an API key from the store', async (c) => {
    const llm = { provider: c.provider, model: c.model, ...(c.provider === 'vllm' ? { endpoint: c.endpoint } : {}) };
    const docs = await render(helm, chartsDir, 'logclaw-ticketing-agent', {
      namespace: 'logclaw-acme',
      values: { ...AGENT, global: { ...PROD, llm } },
    });
    const env = containerEnv(get(docs, 'Deployment', 'logclaw-ticketing-agent-acme'));
    expect(env).toMatchObject({ LLM_PROVIDER: c.provider, LLM_MODEL: c.model, LLM_ENDPOINT: c.endpoint });
    expect(agentConfig(docs).llm).toEqual({ provider: c.provider, model: c.model, endpoint: c.endpoint, timeoutMs: 10_000 });
    if (c.key) {
      expect(env.LLM_API_KEY).toEqual({ secretKeyRef: { name: c.key, key: 'api-key' } });
      const es = get(docs, 'ExternalSecret', c.key).spec as { data: { secretKey: string; remoteRef: { key: string; property: string } }[] };
      expect(es.data).toEqual([{ secretKey: 'api-key', remoteRef: { key: c.remote, property: 'api-key' } }]);
    } else {
      expect(env.LLM_API_KEY).toBeUndefined();
    }
  });

  it('ollama: the ML engine runs Ollama and pulls the model; other providers run no Ollama', async () => {
    const values = (provider: string) => ({
      global: { ...PROD, llm: { provider, model: 'llama3.2:3b' } },
      feast: { production: { s3Path: 's3://b' } },
    });
    const withOllama = await render(helm, chartsDir, 'logclaw-ml-engine', { values: values('ollama') });
    const deployment = get(withOllama, 'Deployment', 'logclaw-ml-engine-acme-ollama');
    type InitContainer = { env: { name: string; value: string }[] };
    const init = (deployment.spec as { template: { spec: { initContainers: InitContainer[] } } }).template.spec.initContainers[0]!;
    expect(init.env).toContainEqual({ name: 'MODEL', value: 'llama3.2:3b' });
    expect(get(withOllama, 'Service', 'logclaw-ml-engine-acme-ollama').spec).toMatchObject({ ports: [{ port: 11434 }] });
    const withClaude = await render(helm, chartsDir, 'logclaw-ml-engine', { values: values('claude') });
    expect(withClaude.filter((d) => d.metadata.name.endsWith('-ollama'))).toEqual([]);
  });
});

describe('secret stores', () => {
  const stores = {
    aws: {
      values: { provider: 'aws', aws: { region: 'eu-west-1', roleArn: 'arn:aws:iam::1:role/eso' } },
      key: 'aws',
      annotation: ['eks.amazonaws.com/role-arn', 'arn:aws:iam::1:role/eso'],
      remote: 'logclaw/acme/shared/smtp',
    },
    gcp: {
      values: {
        provider: 'gcp',
        gcp: { projectID: 'p', serviceAccount: 'eso@p.iam.gserviceaccount.com', clusterLocation: 'europe-west1', clusterName: 'prod' },
      },
      key: 'gcpsm',
      annotation: ['iam.gke.io/gcp-service-account', 'eso@p.iam.gserviceaccount.com'],
      remote: 'logclaw-acme-shared-smtp',
    },
    vault: {
      values: { provider: 'vault', vault: { server: 'https://vault:8200', role: 'logclaw' } },
      key: 'vault',
      annotation: null,
      remote: 'logclaw/acme/shared/smtp',
    },
    azure: {
      values: { provider: 'azure', azure: { vaultUrl: 'https://kv.vault.azure.net', clientId: 'c1' } },
      key: 'azurekv',
      annotation: ['azure.workload.identity/client-id', 'c1'],
      remote: 'logclaw-acme-shared-smtp',
    },
  };
  it.each(Object.entries(stores))('%s: one SecretStore with exactly that provider, bound to the ESO ServiceAccount', async (_name, s) => {
    const docs = await render(helm, chartsDir, 'logclaw-platform', {
      values: {
        global: { tenantId: 'acme', cloudProvider: 'aws', secretStore: s.values },
        externalSecrets: { smtp: { path: 'shared/smtp', keys: ['password'] } },
      },
    });
    const store = get(docs, 'SecretStore', 'logclaw-acme-secret-store');
    expect(store.apiVersion).toBe('external-secrets.io/v1beta1');
    const provider = (store.spec as { provider: Record<string, Record<string, unknown>> }).provider;
    expect(Object.keys(provider)).toEqual([s.key]);
    const sa = get(docs, 'ServiceAccount', 'logclaw-platform-acme-eso');
    if (s.annotation) expect(sa.metadata.annotations).toMatchObject({ [s.annotation[0]!]: s.annotation[1] });
    expect(JSON.stringify(provider)).toContain('logclaw-platform-acme-eso');
    expect((get(docs, 'ExternalSecret', 'smtp').spec as { data: { remoteRef: { key: string } }[] }).data[0]!.remoteRef.key).toBe(s.remote);
  });

  it('required provider settings are checked: aws region + role, vault server + role', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-platform', { files: ['ci/aws-values.yaml'] });
    expect((get(docs, 'SecretStore', 'logclaw-acme-secret-store').spec as { provider: { aws: unknown } }).provider.aws).toEqual({
      service: 'SecretsManager',
      region: 'eu-west-1',
      auth: { jwt: { serviceAccountRef: { name: 'logclaw-platform-acme-eso' } } },
    });
  });

  it('local profile: no store, static dev Secrets instead', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-platform', { files: LOCAL });
    expect(ofKind(docs, 'SecretStore')).toEqual([]);
    expect(get(docs, 'Secret', 'opensearch-admin-credentials')).toMatchObject({ stringData: { username: 'admin', password: 'admin' } });
  });
});

describe('network policies and air-gapped mode', () => {
  type Peer = { ipBlock?: { cidr: string }; podSelector?: unknown; namespaceSelector?: unknown };
  type Rule = { to?: Peer[]; ports?: { port: number }[] };
  const egressRules = (docs: K8sObject[]): { policy: string; rule: Rule }[] =>
    ofKind(docs, 'NetworkPolicy').flatMap((p) =>
      ((p.spec as { egress?: Rule[] }).egress ?? []).map((rule) => ({ policy: p.metadata.name, rule })),
    );
  const platform = (ticketingOn: string[], llm: object, extra: object = {}) =>
    render(helm, chartsDir, 'logclaw-platform', {
      values: { global: { ...PROD, ticketing: ticketing(ticketingOn), llm, network: { kubeApiServerCIDRs: ['10.0.0.1/32'] }, ...extra } },
    });

  it('default-deny for ingress and egress of every pod', async () => {
    const docs = await platform(['jira'], { provider: 'disabled' });
    expect(get(docs, 'NetworkPolicy', 'logclaw-acme-default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('air-gapped (Zammad + Ollama): no egress leaves the cluster', async () => {
    const docs = await platform(['zammad'], { provider: 'ollama', model: 'llama3.2:3b' });
    const rules = egressRules(docs);
    expect(rules.length).toBeGreaterThan(0);
    for (const { policy, rule } of rules) {
      expect(rule.to, `${policy} allows egress to any address`).toBeDefined();
      for (const peer of rule.to!) {
        if (peer.ipBlock) expect(['10.0.0.1/32'], `${policy}: ${peer.ipBlock.cidr}`).toContain(peer.ipBlock.cidr);
        else expect(peer.podSelector ?? peer.namespaceSelector, policy).toBeDefined();
      }
    }
    expect(docs.find((d) => d.metadata.name === 'logclaw-acme-allow-external-https')).toBeUndefined();
  });

  it('air-gapped also with the LLM disabled', async () => {
    const docs = await platform(['zammad'], { provider: 'disabled' });
    expect(docs.find((d) => d.metadata.name === 'logclaw-acme-allow-external-https')).toBeUndefined();
  });

  it.each([
    ['a SaaS platform next to Zammad', ['zammad', 'slack'], { provider: 'ollama', model: 'm' }],
    ['a cloud LLM with Zammad', ['zammad'], { provider: 'claude', model: 'm' }],
    ['vLLM with Zammad', ['zammad'], { provider: 'vllm', model: 'm', endpoint: 'http://vllm:8000/v1' }],
    ['no ticketing platform', [], { provider: 'disabled' }],
  ])('not air-gapped with %s: HTTPS (443) to the internet is allowed', async (_what, on, llm) => {
    const docs = await platform(on as string[], llm);
    const https = get(docs, 'NetworkPolicy', 'logclaw-acme-allow-external-https').spec as { egress: Rule[] };
    expect(https.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  it('the pods that call the Kubernetes API carry the label that the kube-api policy selects', async () => {
    const docs = await platform(['jira'], { provider: 'disabled' });
    const selector = (
      get(docs, 'NetworkPolicy', 'logclaw-acme-allow-kube-api').spec as { podSelector: { matchLabels: Record<string, string> } }
    ).podSelector.matchLabels;
    const kafka = await render(helm, chartsDir, 'logclaw-kafka', { files: ['ci/ha-values.yaml'] });
    expect(
      (get(kafka, 'Kafka', 'logclaw-kafka-acme').spec as { entityOperator: { template: { pod: { metadata: { labels: unknown } } } } })
        .entityOperator.template.pod.metadata.labels,
    ).toEqual(selector);
    const ingestion = await render(helm, chartsDir, 'logclaw-ingestion', { files: ['ci/production-values.yaml'] });
    expect(
      (get(ingestion, 'DaemonSet', 'logclaw-ingestion-acme-agent').spec as { template: { metadata: { labels: unknown } } }).template
        .metadata.labels,
    ).toMatchObject(selector);
  });
});

describe('tiers', () => {
  const tiers = ['standard', 'ha', 'ultra-ha'] as const;
  const expected = {
    standard: {
      replicas: 1,
      pdb: undefined,
      zone: 'ScheduleAnyway',
      host: undefined,
      cpu: '200m',
      brokers: 1,
      pools: ['combined'],
      osPools: ['nodes'],
    },
    ha: {
      replicas: 2,
      pdb: 1,
      zone: 'DoNotSchedule',
      host: 'ScheduleAnyway',
      cpu: '500m',
      brokers: 3,
      pools: ['controller', 'broker'],
      osPools: ['masters', 'data'],
    },
    'ultra-ha': {
      replicas: 3,
      pdb: 2,
      zone: 'DoNotSchedule',
      host: 'DoNotSchedule',
      cpu: '1',
      brokers: 3,
      pools: ['controller', 'broker'],
      osPools: ['masters', 'data'],
    },
  };
  it.each(tiers)('%s: replicas, resources, PodDisruptionBudget, zone spread, Kafka and OpenSearch pools', async (tier) => {
    const e = expected[tier];
    const values = { global: { ...PROD, tier } };
    const ingestion = await render(helm, chartsDir, 'logclaw-ingestion', { values });
    const spec = get(ingestion, 'Deployment', 'logclaw-ingestion-acme').spec as {
      replicas: number;
      template: {
        spec: {
          topologySpreadConstraints: { topologyKey: string; whenUnsatisfiable: string }[];
          containers: { resources: { requests: { cpu: string } } }[];
        };
      };
    };
    expect(spec.replicas).toBe(e.replicas);
    expect(spec.template.spec.containers[0]!.resources.requests.cpu).toBe(e.cpu);
    const spread = Object.fromEntries(spec.template.spec.topologySpreadConstraints.map((c) => [c.topologyKey, c.whenUnsatisfiable]));
    expect(spread).toEqual({ 'topology.kubernetes.io/zone': e.zone, ...(e.host ? { 'kubernetes.io/hostname': e.host } : {}) });
    const pdb = ofKind(ingestion, 'PodDisruptionBudget')[0];
    expect((pdb?.spec as { minAvailable?: number } | undefined)?.minAvailable).toBe(e.pdb);

    // The same presets reach the other charts' workloads.
    const agent = await render(helm, chartsDir, 'logclaw-ticketing-agent', { values: { ...values, ...AGENT } });
    expect((get(agent, 'Deployment', 'logclaw-ticketing-agent-acme').spec as { replicas: number }).replicas).toBe(e.replicas);
    expect(ofKind(agent, 'PodDisruptionBudget').length).toBe(e.pdb ? 1 : 0);

    const kafka = await render(helm, chartsDir, 'logclaw-kafka', { values });
    const pools = ofKind(kafka, 'KafkaNodePool');
    expect(pools.map((p) => p.metadata.name)).toEqual(e.pools);
    const brokers = pools
      .filter((p) => (p.spec as { roles: string[] }).roles.includes('broker'))
      .reduce((n, p) => n + (p.spec as { replicas: number }).replicas, 0);
    expect(brokers).toBe(e.brokers);
    const config = (get(kafka, 'Kafka', 'logclaw-kafka-acme').spec as { kafka: { config: Record<string, unknown>; rack?: unknown } }).kafka;
    expect(config.config['default.replication.factor']).toBe(Math.min(3, e.brokers));
    expect(config.config['min.insync.replicas']).toBe(Math.max(1, Math.min(3, e.brokers) - 1));
    expect(config.rack !== undefined).toBe(tier !== 'standard');

    const os = await render(helm, chartsDir, 'logclaw-opensearch', { values });
    const osPools = (
      get(os, 'OpenSearchCluster', 'logclaw-opensearch-acme').spec as {
        nodePools: { component: string; pdb?: unknown; topologySpreadConstraints: { whenUnsatisfiable: string }[] }[];
      }
    ).nodePools;
    expect(osPools.map((p) => p.component)).toEqual(e.osPools);
    expect(osPools[0]!.topologySpreadConstraints[0]!.whenUnsatisfiable).toBe(e.zone);
    expect(osPools[0]!.pdb !== undefined).toBe(tier !== 'standard');
  });
});

describe('Strimzi', () => {
  it('every Strimzi object is kafka.strimzi.io/v1 without fields v1 removed', async () => {
    const docs = [
      ...(await render(helm, chartsDir, 'logclaw-kafka', { files: ['ci/ha-values.yaml'] })),
      ...(await render(helm, chartsDir, 'logclaw-kafka', { files: ['ci/ultra-ha-values.yaml'] })),
      ...(await render(helm, chartsDir, 'logclaw-kafka', { files: LOCAL })),
    ];
    const strimzi = docs.filter((d) => d.apiVersion.startsWith('kafka.strimzi.io/'));
    expect(new Set(strimzi.map((d) => d.kind))).toEqual(
      new Set(['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser', 'KafkaConnect', 'KafkaMirrorMaker2']),
    );
    for (const d of strimzi) {
      expect(d.apiVersion, `${d.kind} ${d.metadata.name}`).toBe('kafka.strimzi.io/v1');
      const spec = d.spec as Record<string, Record<string, unknown>>;
      expect(spec, `${d.kind} needs spec`).toBeDefined();
      if (d.kind === 'Kafka') {
        expect(spec.zookeeper).toBeUndefined();
        expect(spec.jmxTrans).toBeUndefined();
        for (const removed of ['replicas', 'storage', 'resources'])
          expect(spec.kafka![removed], `Kafka spec.kafka.${removed}`).toBeUndefined();
        for (const l of spec.kafka!.listeners as { authentication?: { type: string } }[])
          if (l.authentication) expect(['tls', 'scram-sha-512', 'custom']).toContain(l.authentication.type);
        if (spec.kafka!.authorization) expect(['simple', 'custom']).toContain((spec.kafka!.authorization as { type: string }).type);
      }
      if (d.kind === 'KafkaUser')
        for (const acl of (spec.authorization as unknown as { acls: Record<string, unknown>[] }).acls) {
          expect(acl.operation).toBeUndefined();
          expect(acl.operations).toEqual(expect.any(Array));
        }
      if (d.kind === 'KafkaConnect') expect(spec.externalConfiguration).toBeUndefined();
      if (d.kind === 'KafkaMirrorMaker2') {
        expect(spec.clusters).toBeUndefined();
        expect(spec.connectCluster).toBeUndefined();
        expect(spec.target).toBeDefined();
      }
      if (['KafkaConnect', 'KafkaMirrorMaker2'].includes(d.kind)) expect(spec.replicas).toEqual(expect.any(Number));
      if (d.kind !== 'Kafka' && d.kind !== 'KafkaConnect' && d.kind !== 'KafkaMirrorMaker2')
        expect(d.metadata.labels?.['strimzi.io/cluster']).toBe(
          d.metadata.labels?.['logclaw.io/tenant'] === 'acme' ? 'logclaw-kafka-acme' : 'logclaw-kafka-dev-local',
        );
    }
  });

  it('production listeners: plain 9092 and tls 9093 with SCRAM-SHA-512, simple authorization, a KafkaUser per component', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-kafka', { files: ['ci/ha-values.yaml'] });
    const kafka = (
      get(docs, 'Kafka', 'logclaw-kafka-acme').spec as {
        kafka: { listeners: unknown[]; authorization: unknown; version: string; metadataVersion: string };
      }
    ).kafka;
    expect(kafka.listeners).toEqual([
      { name: 'plain', port: 9092, type: 'internal', tls: false },
      { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' } },
    ]);
    expect(kafka.authorization).toEqual({ type: 'simple' });
    expect([kafka.version, kafka.metadataVersion]).toEqual(['4.1.1', '4.1-IV1']);
    expect(
      ofKind(docs, 'KafkaUser')
        .map((u) => u.metadata.name)
        .sort(),
    ).toEqual([
      'logclaw-anomaly-scorer-acme-kafka',
      'logclaw-flink-acme-kafka',
      'logclaw-ingestion-acme-kafka',
      'logclaw-kafka-acme-connect',
      'logclaw-ml-engine-acme-kafka',
      'logclaw-ticketing-agent-acme-kafka',
    ]);
    expect(ofKind(docs, 'KafkaTopic').map((t) => t.metadata.name)).toEqual(
      expect.arrayContaining(['raw-logs', 'enriched-logs', 'anomaly-events', 'ticket-events', 'ticket-dead-letter']),
    );
    const ingestionUser = get(docs, 'KafkaUser', 'logclaw-ingestion-acme-kafka').spec as { authorization: { acls: unknown[] } };
    expect(ingestionUser.authorization.acls).toEqual([
      { resource: { type: 'topic', name: 'raw-logs', patternType: 'literal' }, operations: ['Describe', 'Write'] },
    ]);
  });
});

describe('ML engine', () => {
  it('KServe InferenceService only where the CRD exists (.Capabilities)', async () => {
    const values = { global: PROD, feast: { production: { s3Path: 's3://b' } }, kserve: { storageUri: 's3://models/anomaly/v1' } };
    const without = await render(helm, chartsDir, 'logclaw-ml-engine', { values });
    expect(ofKind(without, 'InferenceService')).toEqual([]);
    const withCrd = await render(helm, chartsDir, 'logclaw-ml-engine', {
      values,
      apiVersions: ['serving.kserve.io/v1beta1/InferenceService'],
    });
    const isvc = get(withCrd, 'InferenceService', 'logclaw-ml-engine-acme-anomaly');
    expect(isvc.metadata.annotations).toMatchObject({ 'serving.kserve.io/deploymentMode': 'RawDeployment' });
    expect(isvc.spec).toMatchObject({ predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://models/anomaly/v1' } } });
  });

  it('Feast: local file registry locally, Redis online + S3 offline in production', async () => {
    const store = async (opts: Parameters<typeof render>[3]) =>
      YAML.parse(
        ((await render(helm, chartsDir, 'logclaw-ml-engine', opts)).find((d) => d.kind === 'ConfigMap')!.data as Record<string, string>)[
          'feature_store.yaml'
        ]!,
      );
    expect(await store({ files: LOCAL })).toMatchObject({
      registry: '/feast/data/registry.db',
      online_store: { type: 'sqlite' },
      offline_store: { type: 'file' },
    });
    const prod = await store({ files: ['ci/production-values.yaml'] });
    expect(prod).toMatchObject({
      registry: { path: 's3://logclaw-acme-features/registry.pb' },
      online_store: { type: 'redis', connection_string: '${REDIS_CONNECTION_STRING}' },
    });
  });

  it('VPA and ServiceMonitor only where their CRDs exist', async () => {
    const local = await render(helm, chartsDir, 'logclaw-ingestion', { files: LOCAL });
    expect(local.filter((d) => ['VerticalPodAutoscaler', 'ServiceMonitor'].includes(d.kind))).toEqual([]);
    const withCrds = await render(helm, chartsDir, 'logclaw-ingestion', {
      files: LOCAL,
      apiVersions: ['autoscaling.k8s.io/v1/VerticalPodAutoscaler', 'monitoring.coreos.com/v1/ServiceMonitor'],
    });
    expect(get(withCrds, 'VerticalPodAutoscaler', 'logclaw-ingestion-dev-local').spec).toMatchObject({
      targetRef: { kind: 'Deployment', name: 'logclaw-ingestion-dev-local' },
      updatePolicy: { updateMode: 'Off' },
    });
    expect(get(withCrds, 'ServiceMonitor', 'logclaw-ingestion-dev-local').spec).toMatchObject({ endpoints: [{ port: 'metrics' }] });
  });
});

describe('Airflow', () => {
  it('a migration Job the install waits for replaces the manual step 4 and the upstream hook', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-airflow', {
      release: 'logclaw-airflow-dev-local',
      namespace: 'logclaw-dev-local',
      files: LOCAL,
    });
    const jobs = ofKind(docs, 'Job').filter((j) => j.metadata.name.startsWith('logclaw-airflow-dev-local-migrate-'));
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    const pod = (job.spec as { template: { spec: { containers: { command: string[]; env: unknown[] }[] } } }).template.spec;
    expect(pod.containers[0]!.command).toEqual(['airflow', 'db', 'migrate']);
    expect(pod.containers[0]!.env).toEqual([
      { name: 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', valueFrom: { secretKeyRef: { name: 'logclaw-airflow-metadata', key: 'connection' } } },
    ]);
    expect(docs.find((d) => d.metadata.name.endsWith('-run-airflow-migrations'))).toBeUndefined();
    // The seed's manual connection string, now a Secret the chart writes.
    expect(get(docs, 'Secret', 'logclaw-airflow-metadata')).toMatchObject({
      stringData: {
        connection: 'postgresql://postgres:postgres@logclaw-airflow-dev-local-postgresql.logclaw-dev-local:5432/postgres?sslmode=disable',
      },
    });
  });

  it('the metadata database is its own PostgreSQL from the official image, which the migration Job reaches through the metadata Secret', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-airflow', {
      release: 'logclaw-airflow-dev-local',
      namespace: 'logclaw-dev-local',
      files: LOCAL,
    });
    type Env = { name: string; value?: string; valueFrom?: unknown }[];
    type Pod = { metadata: { labels: Record<string, string> }; spec: { containers: { image: string; env: Env }[] } };
    const sts = get(docs, 'StatefulSet', 'logclaw-airflow-dev-local-postgresql').spec as { template: Pod };
    const container = sts.template.spec.containers[0]!;
    expect(container.image).toBe('docker.io/library/postgres:16.15');
    expect(container.env).toContainEqual({
      name: 'POSTGRES_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'logclaw-airflow-dev-local-postgresql', key: 'password' } },
    });
    const service = get(docs, 'Service', 'logclaw-airflow-dev-local-postgresql').spec as {
      selector: Record<string, string>;
      ports: { port: number }[];
    };
    expect(sts.template.metadata.labels).toMatchObject(service.selector);
    expect(service.ports[0]!.port).toBe(5432);
    const password = (get(docs, 'Secret', 'logclaw-airflow-dev-local-postgresql') as K8sObject & { stringData: { password: string } })
      .stringData.password;
    const connection = new URL(
      (get(docs, 'Secret', 'logclaw-airflow-metadata') as K8sObject & { stringData: { connection: string } }).stringData.connection,
    );
    expect([connection.hostname, connection.port, connection.password]).toEqual([
      'logclaw-airflow-dev-local-postgresql.logclaw-dev-local',
      '5432',
      password,
    ]);
    // Nothing of the upstream chart's Bitnami subchart.
    expect(JSON.stringify(docs)).not.toContain('bitnami');
  });

  it('git-sync DAGs and store-managed secrets in production', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-airflow', {
      release: 'logclaw-airflow-acme',
      files: ['ci/production-values.yaml'],
    });
    const scheduler = get(docs, 'Deployment', 'logclaw-airflow-acme-scheduler').spec as {
      template: { spec: { containers: { name: string }[] } };
    };
    expect(scheduler.template.spec.containers.map((c) => c.name)).toContain('git-sync');
    expect(
      ofKind(docs, 'ExternalSecret')
        .map((e) => e.metadata.name)
        .sort(),
    ).toEqual(['logclaw-airflow-fernet-key', 'logclaw-airflow-git', 'logclaw-airflow-metadata', 'logclaw-airflow-webserver-secret-key']);
    expect(docs.find((d) => d.metadata.name.endsWith('-postgresql'))).toBeUndefined();
  });
});

describe('platform baseline', () => {
  it('cert-manager: a self-signed issuer makes the tenant CA, whose issuer signs the ingestion receiver certificate', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-platform', { namespace: 'logclaw-acme', files: ['ci/aws-values.yaml'] });
    expect(get(docs, 'Issuer', 'logclaw-acme-selfsigned').spec).toEqual({ selfSigned: {} });
    expect(get(docs, 'Certificate', 'logclaw-acme-ca').spec).toMatchObject({
      isCA: true,
      secretName: 'logclaw-acme-ca',
      issuerRef: { name: 'logclaw-acme-selfsigned', kind: 'Issuer' },
    });
    expect(get(docs, 'Issuer', 'logclaw-acme-ca').spec).toEqual({ ca: { secretName: 'logclaw-acme-ca' } });
    expect(get(docs, 'Certificate', 'logclaw-ingestion-acme-tls').spec).toMatchObject({
      secretName: 'logclaw-ingestion-acme-tls',
      dnsNames: [
        'logclaw-ingestion-acme',
        'logclaw-ingestion-acme.logclaw-acme',
        'logclaw-ingestion-acme.logclaw-acme.svc',
        'logclaw-ingestion-acme.logclaw-acme.svc.cluster.local',
        'logs.acme.example.com',
      ],
      issuerRef: { name: 'logclaw-acme-ca', kind: 'Issuer' },
    });
  });

  it('RBAC: viewer and operator Roles bound to the configured groups', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-platform', { files: ['ci/aws-values.yaml'] });
    const operator = get(docs, 'Role', 'logclaw-acme-operator') as K8sObject & { rules: { resources: string[]; verbs: string[] }[] };
    expect(operator.rules).toContainEqual({ apiGroups: [''], resources: ['pods/portforward', 'pods/exec'], verbs: ['create'] });
    expect(get(docs, 'RoleBinding', 'logclaw-acme-viewer')).toMatchObject({
      roleRef: { kind: 'Role', name: 'logclaw-acme-viewer' },
      subjects: [{ kind: 'Group', name: 'acme-sre' }],
    });
    expect(get(docs, 'RoleBinding', 'logclaw-acme-operator')).toMatchObject({ subjects: [{ kind: 'Group', name: 'logclaw-oncall' }] });
  });
});

describe('Flink and Zammad', () => {
  it('Flink: ETL, enrichment and anomaly scoring as FlinkDeployments (Flink 1.19, string configuration)', async () => {
    const docs = await render(helm, chartsDir, 'logclaw-flink', { files: ['ci/production-values.yaml'] });
    const jobs = ofKind(docs, 'FlinkDeployment');
    expect(jobs.map((j) => j.metadata.name)).toEqual([
      'logclaw-flink-acme-etl',
      'logclaw-flink-acme-enrichment',
      'logclaw-flink-acme-anomaly',
    ]);
    for (const job of jobs) {
      const s = job.spec as {
        flinkVersion: string;
        serviceAccount: string;
        flinkConfiguration: Record<string, unknown>;
        jobManager: { replicas: number };
        job: { args: string[] };
      };
      expect(job.apiVersion).toBe('flink.apache.org/v1beta1');
      expect(s.flinkVersion).toBe('v1_19');
      expect(s.serviceAccount).toBe('logclaw-flink-acme');
      for (const [k, v] of Object.entries(s.flinkConfiguration)) expect(typeof v, k).toBe('string');
      expect(s.flinkConfiguration['high-availability.type']).toBe('kubernetes');
      expect(s.jobManager.replicas).toBe(2);
    }
    expect((jobs[2]!.spec as { job: { args: string[] } }).job.args.slice(0, 4)).toEqual([
      '--input-topic',
      'enriched-logs',
      '--output-topics',
      'anomaly-events',
    ]);
  });

  it('Zammad: fixed in-namespace names whatever the release, so the agent always finds logclaw-zammad-nginx', async () => {
    for (const release of ['logclaw-zammad-acme', 'logclaw-acme']) {
      const docs = await render(helm, chartsDir, 'logclaw-zammad', { release, files: ['ci/airgapped-values.yaml'] });
      expect((get(docs, 'Service', 'logclaw-zammad-nginx').spec as { ports: { port: number }[] }).ports[0]!.port).toBe(8080);
      expect(
        ofKind(docs, 'ExternalSecret')
          .map((e) => e.metadata.name)
          .sort(),
      ).toEqual(['zammad-postgresql-pass', 'zammad-redis-pass']);
    }
  });
});
