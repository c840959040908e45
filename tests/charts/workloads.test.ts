// The stack's own workloads as their charts deliver them: the anomaly scorer and the ticketing agent
// (with the ticket sink) run from their bundles on the official node image locally, and from the
// tenant's image in production; the agent's egress NetworkPolicy per platform and LLM choice; the
// bundles' ConfigMaps under the API server's 1 MiB limit; real releases of both charts accepted by a
// real kube-apiserver (its Secret limit holds Helm's release record, bundles included).
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runOrThrow } from '../../scripts/charts/lib.js';
import { kubectlRun, type KubeTarget } from '../../scripts/test-env/kube/helpers.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { type K8sObject, LOCAL, get, ofKind, preparedCharts, render, renderFailure } from './support.js';

const SCORER = 'logclaw-anomaly-scorer';
const AGENT = 'logclaw-ticketing-agent';
const NODE = 'docker.io/library/node:22.23.2-alpine';
/** The API server refuses a ConfigMap whose data exceeds 1 MiB (k8s.io/api core/v1 ConfigMap: "cannot exceed 1 MiB"). */
const CONFIGMAP_LIMIT = 1024 * 1024;

let helm: string;
let chartsDir: string;

beforeAll(async () => {
  const { tools } = await useTestEnv('tools');
  helm = tools.helm;
  chartsDir = await preparedCharts(helm);
});

type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  volumeMounts?: { name: string; mountPath: string }[];
};
type PodSpec = { containers: Container[]; volumes?: { name: string; configMap?: { name: string } }[] };

function pod(docs: K8sObject[], name: string): { labels: Record<string, string>; spec: PodSpec } {
  const template = (get(docs, 'Deployment', name).spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } })
    .template;
  return { labels: template.metadata.labels, spec: template.spec };
}

function env(container: Container): Record<string, string | undefined> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
}

/** Bytes of a ConfigMap's data as the API server counts them (keys and values). */
function dataBytes(configMap: K8sObject): number {
  return Object.entries(configMap.data as Record<string, string>).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

const PROD = { tenantId: 'acme', cloudProvider: 'aws', secretStore: { aws: { region: 'eu-west-1', roleArn: 'arn:aws:iam::1:role/eso' } } };
const IMAGE = (name: string) => ({ registry: 'ghcr.io', repository: `acme/${name}`, tag: '0.1.0' });

describe('the workloads run from their bundles on the official node image (local profiles)', () => {
  const tempDir = useTempDir();

  it('the scorer: node runs /opt/logclaw/anomaly-scorer.mjs from the bundle ConfigMap, Kafka and topics from the chart', async () => {
    const docs = await render(helm, chartsDir, SCORER, { files: LOCAL });
    const { spec } = pod(docs, 'logclaw-anomaly-scorer-dev-local');
    const container = spec.containers[0]!;
    expect(container.image).toBe(NODE);
    expect(container.command).toEqual(['node', '/opt/logclaw/anomaly-scorer.mjs']);
    expect(env(container)).toMatchObject({
      KAFKA_BROKERS: 'logclaw-kafka-dev-local-kafka-bootstrap:9092',
      GROUP_ID: 'logclaw-anomaly-scorer-dev-local',
      INPUT_TOPIC: 'raw-logs',
      OUTPUT_TOPIC: 'anomaly-events',
      PORT: '8080',
    });
    expect(env(container).KAFKA_USERNAME).toBeUndefined();
    expect(container.volumeMounts).toContainEqual({ name: 'bundle', mountPath: '/opt/logclaw', readOnly: true });
    expect(spec.volumes).toContainEqual({ name: 'bundle', configMap: { name: 'logclaw-anomaly-scorer-dev-local-bundle' } });
    const bundle = get(docs, 'ConfigMap', 'logclaw-anomaly-scorer-dev-local-bundle').data as Record<string, string>;
    expect(bundle['anomaly-scorer.mjs']).toBe(readFileSync(join(chartsDir, SCORER, 'files', 'anomaly-scorer.mjs'), 'utf8'));
    expect((get(docs, 'Service', 'logclaw-anomaly-scorer-dev-local').spec as { ports: { port: number }[] }).ports[0]!.port).toBe(8080);
  });

  it('the agent: its bundle with --config, and the in-cluster sink as the webhook platform every severity routes to', async () => {
    const docs = await render(helm, chartsDir, AGENT, { namespace: 'logclaw-dev-local', files: LOCAL });
    const agent = pod(docs, 'logclaw-ticketing-agent-dev-local');
    expect(agent.spec.volumes).toContainEqual({ name: 'bundle', configMap: { name: 'logclaw-ticketing-agent-dev-local-bundle' } });
    const sink = pod(docs, 'logclaw-ticketing-agent-dev-local-sink').spec.containers[0]!;
    expect(sink.image).toBe(NODE);
    expect(sink.command).toEqual(['node', '/opt/logclaw/ticket-sink.mjs', '--port', '8080', '--keep', '1000']);
    expect((get(docs, 'Service', 'logclaw-ticketing-agent-dev-local-sink').spec as { ports: { port: number }[] }).ports[0]!.port).toBe(
      8080,
    );
    const config = YAML.parse((get(docs, 'ConfigMap', 'logclaw-ticketing-agent-dev-local').data as Record<string, string>)['config.yaml']!);
    expect(config.platforms).toEqual({
      webhook: { url: 'http://logclaw-ticketing-agent-dev-local-sink.logclaw-dev-local.svc.cluster.local:8080/tickets' },
    });
    expect(config.routing).toEqual({ critical: ['webhook'], high: ['webhook'], medium: ['webhook'], low: ['webhook'] });
    expect(config.kafka).toEqual({
      bootstrapServers: 'logclaw-kafka-dev-local-kafka-bootstrap:9092',
      inputTopic: 'anomaly-events',
      outputTopic: 'ticket-events',
      deadLetterTopic: 'ticket-dead-letter',
      consumerGroup: 'logclaw-ticketing-agent-dev-local',
    });
  });

  it('each bundle ConfigMap stays under the 1 MiB limit', async () => {
    const bundles = [
      ...ofKind(await render(helm, chartsDir, SCORER, { files: LOCAL }), 'ConfigMap'),
      ...ofKind(await render(helm, chartsDir, AGENT, { files: LOCAL }), 'ConfigMap'),
    ].filter((c) => Object.keys(c.data as object).some((key) => key.endsWith('.mjs')));
    expect(bundles.map((c) => c.metadata.name).sort()).toEqual([
      'logclaw-anomaly-scorer-dev-local-bundle',
      'logclaw-ticketing-agent-dev-local-bundle',
      'logclaw-ticketing-agent-dev-local-sink',
    ]);
    for (const c of bundles) expect(dataBytes(c), c.metadata.name).toBeLessThan(CONFIGMAP_LIMIT);
  });

  it('a chart whose bundle was not built fails to render, saying npm run charts:deps', async () => {
    const copy = tempDir();
    for (const chart of [SCORER, AGENT]) {
      cpSync(join(chartsDir, chart), join(copy, chart), { recursive: true });
      rmSync(join(copy, chart, 'files'), { recursive: true });
      const message = await renderFailure(helm, copy, chart, { files: LOCAL });
      expect(message).toMatch(/files\/(anomaly-scorer|ticketing-agent|ticket-sink)\.mjs is missing/);
      expect(message).toContain('npm run charts:deps');
    }
  });
});

describe('production: the tenant image of workloads/Dockerfile', () => {
  it('runs image.repository:tag with no bundle ConfigMap (the image carries /app/<bundle>.mjs)', async () => {
    const scorer = await render(helm, chartsDir, SCORER, { files: ['ci/production-values.yaml'] });
    const container = pod(scorer, 'logclaw-anomaly-scorer-acme').spec.containers[0]!;
    expect(container.image).toBe('ghcr.io/acme/logclaw-anomaly-scorer:0.1.0');
    expect(container.command).toBeUndefined();
    expect(env(container)).toMatchObject({
      KAFKA_BROKERS: 'logclaw-kafka-acme-kafka-bootstrap:9093',
      KAFKA_CA_FILE: '/etc/logclaw/kafka-ca/ca.crt',
    });
    expect(env(container).KAFKA_USERNAME).toBe('logclaw-anomaly-scorer-acme-kafka');
    expect(ofKind(scorer, 'ConfigMap')).toEqual([]);

    const agent = await render(helm, chartsDir, AGENT, { files: ['ci/saas-values.yaml'] });
    const agentContainer = pod(agent, 'logclaw-ticketing-agent-acme').spec.containers[0]!;
    expect(agentContainer.image).toBe('ghcr.io/acme/logclaw-ticketing-agent:0.1.0');
    expect(agentContainer.command).toBeUndefined();
    expect(agentContainer.args).toEqual(['--config', '/etc/logclaw/config.yaml']);
    expect(ofKind(agent, 'ConfigMap').map((c) => c.metadata.name)).toEqual(['logclaw-ticketing-agent-acme']);
    expect(ofKind(agent, 'Deployment').map((d) => d.metadata.name)).toEqual(['logclaw-ticketing-agent-acme']);
  });

  it('without image.repository the image mode fails with what to build and set', async () => {
    const scorer = await renderFailure(helm, chartsDir, SCORER, { values: { global: PROD } });
    expect(scorer).toContain('image.repository is required with scorer.mode image: LogClaw publishes no anomaly-scorer image');
    expect(scorer).toContain('--build-arg WORKLOAD=anomaly-scorer');
  });

  it('the slack credential is the incoming webhook URL the agent reads as SLACK_WEBHOOK_URL', async () => {
    const docs = await render(helm, chartsDir, AGENT, {
      values: {
        global: { ...PROD, ticketing: { slack: { enabled: true } } },
        agent: { enabled: true },
        image: IMAGE('logclaw-ticketing-agent'),
        config: { routing: { critical: ['slack'] } },
      },
    });
    const container = pod(docs, 'logclaw-ticketing-agent-acme').spec.containers[0]!;
    expect(container.env!.find((e) => e.name === 'SLACK_WEBHOOK_URL')?.valueFrom).toEqual({
      secretKeyRef: { name: 'logclaw-ticketing-agent-acme-slack', key: 'webhook-url' },
    });
  });
});

describe("the agent's egress NetworkPolicy", () => {
  type Peer = {
    ipBlock?: { cidr: string; except?: string[] };
    podSelector?: { matchLabels: Record<string, string> };
    namespaceSelector?: unknown;
  };
  type Rule = { to?: Peer[]; ports: { protocol: string; port: number }[] };

  async function egress(global: object, extra: object = {}): Promise<{ rules: Rule[]; docs: K8sObject[] }> {
    const docs = await render(helm, chartsDir, AGENT, {
      namespace: 'logclaw-acme',
      values: { global: { ...PROD, ...global }, agent: { enabled: true }, image: IMAGE('logclaw-ticketing-agent'), ...extra },
    });
    const policy = get(docs, 'NetworkPolicy', 'logclaw-ticketing-agent-acme-egress').spec as {
      podSelector: { matchLabels: Record<string, string> };
      policyTypes: string[];
      egress: Rule[];
    };
    expect(policy.policyTypes).toEqual(['Egress']);
    expect(policy.podSelector.matchLabels).toEqual(
      pick(pod(docs, 'logclaw-ticketing-agent-acme').labels, Object.keys(policy.podSelector.matchLabels)),
    );
    return { rules: policy.egress, docs };
  }
  const pick = (labels: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, labels[k]!]));
  const internet = (rules: Rule[]) => rules.filter((r) => r.to?.some((p) => p.ipBlock));
  const selects = (rules: Rule[], label: string, value: string, port: number) =>
    rules.some((r) => r.to?.some((p) => p.podSelector?.matchLabels[label] === value) && r.ports.some((p) => p.port === port));
  const HTTPS_OUT = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 443 }] };

  it('always DNS and Kafka; with nothing external enabled, no rule leaves the cluster', async () => {
    const { rules } = await egress({ llm: { provider: 'disabled' } });
    expect(rules[0]!.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    expect(selects(rules, 'strimzi.io/cluster', 'logclaw-kafka-acme', 9093)).toBe(true);
    expect(internet(rules)).toEqual([]);
    expect(rules.every((r) => r.to !== undefined)).toBe(true);
  });

  it.each([['pagerduty'], ['jira'], ['servicenow'], ['opsgenie'], ['slack']])(
    'a SaaS platform (%s) opens HTTPS (443) outside the cluster',
    async (platform) => {
      const config = {
        routing: { critical: [platform] },
        jira: { baseUrl: 'https://acme.atlassian.net', projectKey: 'OPS' },
        servicenow: { instanceUrl: 'https://acme.service-now.com' },
      };
      const { rules } = await egress({ ticketing: { [platform]: { enabled: true } } }, { config });
      expect(internet(rules)).toEqual([HTTPS_OUT]);
    },
  );

  it.each([['claude'], ['openai']])('a cloud LLM (%s) opens HTTPS (443), the cluster CIDRs excepted where given', async (provider) => {
    const { rules } = await egress({ llm: { provider, model: 'm' } }, { networkPolicy: { clusterCIDRs: ['10.0.0.0/8', 'fd00::/8'] } });
    expect(internet(rules)).toEqual([
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }, { ipBlock: { cidr: '::/0', except: ['fd00::/8'] } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  it('air-gapped (Zammad + Ollama): Zammad and Ollama by selector, nothing outside the cluster', async () => {
    const { rules } = await egress(
      { ticketing: { zammad: { enabled: true } }, llm: { provider: 'ollama', model: 'llama3.2:3b' } },
      { config: { routing: { critical: ['zammad'] } } },
    );
    expect(internet(rules)).toEqual([]);
    expect(rules.every((r) => r.to?.every((p) => p.podSelector))).toBe(true);
    expect(selects(rules, 'app.kubernetes.io/component', 'zammad-nginx', 8080)).toBe(true);
    expect(selects(rules, 'app.kubernetes.io/component', 'ollama', 11434)).toBe(true);
    expect(selects(rules, 'app.kubernetes.io/name', 'logclaw-ml-engine', 11434)).toBe(true);
  });

  it('the sink by selector when it is the webhook target; vLLM by its endpoint port', async () => {
    const { rules } = await egress(
      { llm: { provider: 'vllm', model: 'm', endpoint: 'http://vllm.llm.svc:8000/v1' } },
      { sink: { enabled: true }, config: { routing: { critical: ['webhook'] } } },
    );
    expect(selects(rules, 'app.kubernetes.io/component', 'sink', 8080)).toBe(true);
    expect(rules).toContainEqual({ ports: [{ protocol: 'TCP', port: 8000 }] });
    expect(internet(rules)).toEqual([]);
  });

  it("the agent's pods are left out of logclaw-platform's namespace-wide and internet egress, so this policy is what holds", async () => {
    const { docs } = await egress({ llm: { provider: 'disabled' } });
    const labels = pod(docs, 'logclaw-ticketing-agent-acme').labels;
    expect(labels['logclaw.io/egress']).toBe('own');
    const platform = await render(helm, chartsDir, 'logclaw-platform', {
      values: { global: { ...PROD, ticketing: { jira: { enabled: true } } } },
    });
    const own = { matchExpressions: [{ key: 'logclaw.io/egress', operator: 'NotIn', values: ['own'] }] };
    for (const name of ['logclaw-acme-allow-namespace-egress', 'logclaw-acme-allow-external-https'])
      expect((get(platform, 'NetworkPolicy', name).spec as { podSelector: unknown }).podSelector, name).toEqual(own);
    expect((get(platform, 'NetworkPolicy', 'logclaw-acme-allow-namespace').spec as { policyTypes: string[] }).policyTypes).toEqual([
      'Ingress',
    ]);
  });
});

describe('real releases against kube-apiserver', () => {
  let target: KubeTarget;
  let kubectl: string;
  const namespace = 'logclaw-workloads-test';

  beforeAll(async () => {
    const { kube, tools } = await useTestEnv('kube', 'tools');
    kubectl = tools.kubectl;
    target = { kubeconfig: kube.kubeconfig, context: kube.context };
    await kubectlRun(kubectl, target, ['create', 'namespace', namespace]);
  }, 600_000);

  afterAll(async () => {
    if (target) await kubectlRun(kubectl, target, ['delete', 'namespace', namespace, '--wait=false']);
  });

  it.each([[SCORER], [AGENT]])(
    '%s installs with its local values: the API server takes its objects and the release record with the bundles',
    async (chart) => {
      const release = `${chart}-dev-local`;
      const out = await runOrThrow(helm, [
        'install',
        release,
        join(chartsDir, chart),
        '--namespace',
        namespace,
        '--kubeconfig',
        target.kubeconfig,
        ...(target.context ? ['--kube-context', target.context] : []),
        '-f',
        join(chartsDir, chart, LOCAL[0]!),
      ]);
      expect(out).toContain('STATUS: deployed');
      const secrets = await kubectlRun(kubectl, target, [
        'get',
        'secrets',
        '-n',
        namespace,
        '-l',
        `owner=helm,name=${release}`,
        '-o',
        'name',
      ]);
      expect(secrets.trim()).toBe(`secret/sh.helm.release.v1.${release}.v1`);
    },
  );
});
