// Checks on the stack's operators and custom resources: Strimzi CRDs, OpenSearch (credentials,
// cluster formation), Vector → Kafka, Helm releases, ExternalSecrets.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { V1CustomResourceDefinition, V1Secret } from '@kubernetes/client-node';
import { AppError } from '../../contract/index.js';
import type { Evidence } from '../../contract/doctor.js';
import { type HelmRelease, helmList } from '../stack/helm.js';
import { assertChartReady, chartPath, fill } from '../stack/plan.js';
import { type CheckDefinition, type Detection, ok } from './check.js';
import { type DoctorEnv, eventLine, listPods, logLines, mask, orNull, podName, sortEvents } from './env.js';

// ---------------------------------------------------------------------------------------------
// 1. Strimzi CRDs without kafka.strimzi.io/v1

const STRIMZI_GROUP = 'kafka.strimzi.io';
const STRIMZI_CRDS = ['kafkas', 'kafkanodepools', 'kafkatopics', 'kafkausers'].map((plural) => `${plural}.${STRIMZI_GROUP}`);

function strimziOperator(env: DoctorEnv) {
  const op = env.plan.operators.find((candidate) => candidate.name === 'strimzi');
  return { namespace: op?.namespace ?? 'strimzi-system', version: op?.chart.version ?? '0.50.1' };
}

export function strimziCrdsUrl(env: DoctorEnv): string {
  const { version } = strimziOperator(env);
  return env.ctx.env.LOGCLAW_STRIMZI_CRDS_URL || `https://github.com/strimzi/strimzi-kafka-operator/releases/download/${version}/strimzi-crds-${version}.yaml`;
}

export const strimziCrds: CheckDefinition = {
  id: 'strimzi-crds',
  title: 'Strimzi CRDs serve kafka.strimzi.io/v1',
  explanation:
    'Helm installs CRDs only on the first install and never upgrades them. A cluster that had an older Strimzi keeps CRDs without kafka.strimzi.io/v1, and Strimzi 0.50\'s entity operator crash-loops with "kafkausers at kafka.strimzi.io/v1 not found". The fix applies the matching CRDs server-side and restarts the cluster operator.',
  cluster: true,
  async detect(env) {
    const found = await Promise.all(STRIMZI_CRDS.map((name) => orNull(env.crds.readCustomResourceDefinition({ name }))));
    const present = found.filter((crd): crd is V1CustomResourceDefinition => crd !== null);
    if (present.length === 0) return ok('Strimzi is not installed on this cluster (no kafka.strimzi.io CRDs).');
    const served = (crd: V1CustomResourceDefinition) => crd.spec.versions.filter((version) => version.served).map((version) => version.name);
    const lines = STRIMZI_CRDS.map((name, i) => (found[i] ? `${name}: serves ${served(found[i]!).join(', ')}` : `${name}: missing`));
    const problems = STRIMZI_CRDS.filter((_, i) => !found[i] || !served(found[i]!).includes('v1'));
    const evidence: Evidence[] = [{ source: 'CustomResourceDefinitions', lines }];
    if (problems.length === 0) return ok(`${STRIMZI_CRDS.length} Strimzi CRDs serve v1.`, evidence);
    for (const pod of (await listPods(env)).filter((p) => podName(p).includes('entity-operator')).slice(0, 2)) {
      const logs = (await logLines(env, pod, pod.spec?.containers.find((c) => c.name === 'user-operator')?.name, 40)).filter((line) => /v1|not found|kafkauser/i.test(line)).slice(-5);
      if (logs.length) evidence.push({ source: `pod/${podName(pod)} logs`, lines: logs });
    }
    const { namespace, version } = strimziOperator(env);
    const url = strimziCrdsUrl(env);
    return {
      status: 'fail',
      summary: `${problems.map((name) => name.split('.')[0]).join(', ')} ${problems.length > 1 ? 'do' : 'does'} not serve kafka.strimzi.io/v1 (older CRDs than Strimzi ${version}).`,
      evidence,
      fix: {
        title: 'Upgrade the Strimzi CRDs',
        changes: `Server-side applies the Strimzi ${version} CRDs (${STRIMZI_CRDS.join(', ')} …) over the older ones, then restarts deployment ${namespace}/strimzi-cluster-operator.`,
        commands: [env.cmd('kubectl', ['apply', '-f', url, '--server-side', '--force-conflicts']), env.cmd('kubectl', ['rollout', 'restart', 'deployment', '-n', namespace, 'strimzi-cluster-operator'])],
        automatic: true,
      },
    };
  },
  async fix(env, _detection, line) {
    const url = strimziCrdsUrl(env);
    const bundle = /^https?:\/\//.test(url)
      ? await fetch(url, { signal: AbortSignal.timeout(60_000) }).then(async (response) => {
          if (!response.ok) throw new AppError('DOWNLOAD_FAILED', `Cannot download ${url}: HTTP ${response.status}`);
          return response.text();
        })
      : await readFile(url, 'utf8');
    await env.run('kubectl', ['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: bundle });
    line(`applied the Strimzi CRDs from ${url} (server-side)`);
    const { namespace } = strimziOperator(env);
    const operator = await orNull(env.apps.readNamespacedDeployment({ name: 'strimzi-cluster-operator', namespace }));
    if (operator) {
      await env.run('kubectl', ['rollout', 'restart', 'deployment', '-n', namespace, 'strimzi-cluster-operator']);
      line(`restarted deployment ${namespace}/strimzi-cluster-operator`);
    } else {
      line(`deployment ${namespace}/strimzi-cluster-operator does not exist: nothing to restart`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// 4. OpenSearch credentials

export const OPENSEARCH_SECRET = 'opensearch-admin-credentials';

const decode = (secret: V1Secret | null, key: string): string | undefined => {
  const value = secret?.data?.[key];
  return value === undefined ? secret?.stringData?.[key] : Buffer.from(value, 'base64').toString('utf8');
};

export const opensearchAuth: CheckDefinition = {
  id: 'opensearch-auth',
  title: 'OpenSearch credentials match the app\'s dev secrets',
  explanation:
    `The tenant's OpenSearch admin credentials live in the Secret ${OPENSEARCH_SECRET}; the app generated them for this tenant and keeps them in its data folder. When the Secret was overwritten (an old \`make create-dev-secrets\`, a manual edit) clients authenticate with a password OpenSearch does not know. The fix writes the app's credentials back and restarts the workloads that read them.`,
  cluster: true,
  async detect(env) {
    const secret = await orNull(env.core.readNamespacedSecret({ name: OPENSEARCH_SECRET, namespace: env.namespace }));
    const expected = env.secrets?.opensearchAdminPassword;
    if (!expected) {
      return ok(secret ? `${OPENSEARCH_SECRET} exists; the app has no dev credentials of its own for ${env.tenant} to compare (installed outside the app).` : `No OpenSearch credentials in ${env.namespace} and none generated by the app: nothing to compare.`);
    }
    const evidence: Evidence[] = [];
    const problems: string[] = [];
    if (!secret) problems.push(`Secret ${OPENSEARCH_SECRET} does not exist in ${env.namespace}`);
    else {
      const username = decode(secret, 'username');
      const password = decode(secret, 'password');
      if (username !== 'admin') problems.push(`username is ${username === undefined ? 'missing' : `"${username}"`}, not "admin"`);
      if (password === undefined) problems.push('password is missing');
      else if (password !== expected) problems.push(`password differs from the app's dev credentials (${password.length} vs ${expected.length} characters)`);
    }
    if (problems.length === 0) return ok(`${OPENSEARCH_SECRET} matches the app's dev credentials.`);
    evidence.push({ source: `secret/${OPENSEARCH_SECRET}`, lines: problems });
    for (const pod of (await listPods(env)).filter((p) => /opensearch|ingestion|ticketing/.test(podName(p))).slice(0, 4)) {
      const lines = (await logLines(env, pod, undefined, 50)).filter((text) => /authenticat|unauthori[sz]ed|\b401\b/i.test(text)).slice(-3);
      if (lines.length) evidence.push({ source: `pod/${podName(pod)} logs`, lines });
    }
    return {
      status: 'fail',
      summary: `OpenSearch credentials do not match: ${problems.join('; ')}.`,
      evidence,
      fix: {
        title: 'Reset the OpenSearch credentials',
        changes: `Writes username "admin" and the app's dev password for ${env.tenant} into secret ${env.namespace}/${OPENSEARCH_SECRET}, then restarts the Deployments/StatefulSets that read it.`,
        commands: [
          'PASSWORD=$(logclaw stack secrets --json | jq -r \'.secrets[] | select(.secret=="opensearch-admin-credentials" and .key=="password") | .value\')',
          `${env.cmd('kubectl', ['-n', env.namespace, 'create', 'secret', 'generic', OPENSEARCH_SECRET, '--from-literal=username=admin', '--from-literal=password=$PASSWORD', '--dry-run=client', '-o', 'yaml']).replace("'--from-literal=password=$PASSWORD'", '--from-literal=password="$PASSWORD"')} | kubectl apply -f -`,
          env.cmd('kubectl', ['-n', env.namespace, 'rollout', 'restart', 'deployment,statefulset', '-l', `logclaw.io/tenant=${env.tenant}`]),
        ],
        automatic: true,
      },
    };
  },
  async fix(env, _detection, line) {
    const password = env.secrets?.opensearchAdminPassword;
    if (!password) throw new AppError('NOT_FOUND', `The app has no dev credentials for ${env.tenant}`);
    const data = { username: Buffer.from('admin').toString('base64'), password: Buffer.from(password).toString('base64') };
    const existing = await orNull(env.core.readNamespacedSecret({ name: OPENSEARCH_SECRET, namespace: env.namespace }));
    if (existing) {
      await env.core.replaceNamespacedSecret({ name: OPENSEARCH_SECRET, namespace: env.namespace, body: { ...existing, data: { ...existing.data, ...data }, stringData: undefined } });
      line(`updated secret ${env.namespace}/${OPENSEARCH_SECRET} (username, password)`);
    } else {
      await env.core.createNamespacedSecret({ namespace: env.namespace, body: { metadata: { name: OPENSEARCH_SECRET, labels: { 'app.kubernetes.io/part-of': 'logclaw', 'logclaw.io/tenant': env.tenant } }, type: 'Opaque', data } });
      line(`created secret ${env.namespace}/${OPENSEARCH_SECRET}`);
    }
    const [deployments, statefulsets] = await Promise.all([env.apps.listNamespacedDeployment({ namespace: env.namespace }), env.apps.listNamespacedStatefulSet({ namespace: env.namespace })]);
    const readers = [...deployments.items.map((d) => ({ kind: 'deployment', object: d })), ...statefulsets.items.map((s) => ({ kind: 'statefulset', object: s }))].filter(({ object }) =>
      JSON.stringify(object.spec?.template ?? {}).includes(`"${OPENSEARCH_SECRET}"`),
    );
    for (const { kind, object } of readers) {
      await env.run('kubectl', ['-n', env.namespace, 'rollout', 'restart', `${kind}/${object.metadata?.name}`]);
      line(`restarted ${kind}/${object.metadata?.name} (reads ${OPENSEARCH_SECRET})`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// 6. OpenSearch cluster_manager_not_discovered_exception

const DISCOVERY = /cluster_manager_not_discovered_exception|master_not_discovered_exception/;
const OPSTER = { group: 'opensearch.opster.io', version: 'v1', plural: 'opensearchclusters' };

interface OpenSearchClusterObject {
  metadata?: { name?: string };
  status?: { phase?: string; health?: string };
}

async function listOpenSearchClusters(env: DoctorEnv): Promise<OpenSearchClusterObject[]> {
  const list = await orNull(() => env.custom.listNamespacedCustomObject({ ...OPSTER, namespace: env.namespace }) as Promise<{ items: OpenSearchClusterObject[] }>);
  return list?.items ?? [];
}

/** The release that renders logclaw-opensearch: the per-chart one, or the umbrella. */
async function opensearchRelease(env: DoctorEnv): Promise<{ release: string; chart: string } | null> {
  const releases = await listReleases(env, env.namespace).catch(() => [] as HelmRelease[]);
  const perChart = env.plan.tenant.releases.find((release) => release.name === 'opensearch');
  const perChartName = perChart ? fill(perChart.release, env.tenant) : `logclaw-opensearch-${env.tenant}`;
  if (releases.some((r) => r.name === perChartName)) return { release: perChartName, chart: chartPath(env.chartsDir, perChart?.chart ?? 'charts/logclaw-opensearch') };
  const umbrella = `logclaw-${env.tenant}`;
  if (releases.some((r) => r.name === umbrella)) return { release: umbrella, chart: chartPath(env.chartsDir, 'charts/logclaw-tenant') };
  return null;
}

export const opensearchClusterManager: CheckDefinition = {
  id: 'opensearch-cluster-manager',
  title: 'OpenSearch elects a cluster manager',
  explanation:
    'With single-replica cluster-manager pools (dev sizes), the Opster operator\'s bootstrap pod forms a 2-node voting configuration and then deletes itself, leaving the only cluster manager without quorum: every request answers cluster_manager_not_discovered_exception. The fix switches the tenant to the standalone single-node OpenSearch (global.opensearch.mode=standalone), which removes the OpenSearchCluster and its volumes.',
  cluster: true,
  settleMs: 30_000,
  async detect(env) {
    const clusters = await listOpenSearchClusters(env);
    if (clusters.length === 0) return ok('No operator-managed OpenSearchCluster in this tenant (standalone or not installed).');
    const names = clusters.map((c) => c.metadata?.name ?? '?');
    const evidence: Evidence[] = [{ source: 'OpenSearchCluster', lines: clusters.map((c) => `${c.metadata?.name}: phase ${c.status?.phase ?? 'none'}, health ${c.status?.health ?? 'unknown'}`) }];
    const events = await env.core.listNamespacedEvent({ namespace: env.namespace });
    const related = sortEvents(events.items).filter((event) => DISCOVERY.test(event.message ?? '') && names.some((name) => (event.involvedObject?.name ?? '').startsWith(name)));
    if (related.length) evidence.push({ source: 'events', lines: related.slice(-5).map((event) => `${event.involvedObject?.kind}/${event.involvedObject?.name}: ${eventLine(event)}`) });
    const pods = (await listPods(env)).filter((pod) => names.some((name) => pod.metadata?.labels?.['opster.io/opensearch-cluster'] === name || podName(pod).startsWith(name)));
    for (const pod of pods.slice(0, 3)) {
      const lines = (await logLines(env, pod, undefined, 100)).filter((line) => DISCOVERY.test(line)).slice(-3);
      if (lines.length) evidence.push({ source: `pod/${podName(pod)} logs`, lines });
    }
    if (evidence.length === 1) return ok(`OpenSearchCluster ${names.join(', ')}: no cluster_manager_not_discovered_exception in its events or logs.`, evidence);
    const target = await opensearchRelease(env);
    const name = names[0]!;
    const commands = target
      ? [
          env.cmd('helm', ['upgrade', target.release, target.chart, '-n', env.namespace, '--reuse-values', '--set', 'global.opensearch.mode=standalone']),
          env.cmd('kubectl', ['delete', 'pvc', '-n', env.namespace, '-l', `opster.io/opensearch-cluster=${name}`]),
        ]
      : [env.cmd('kubectl', ['delete', 'opensearchcluster', name, '-n', env.namespace]), env.cmd('kubectl', ['delete', 'pvc', '-n', env.namespace, '-l', `opster.io/opensearch-cluster=${name}`]), '# then apply the standalone StatefulSet of the LogClaw README (Troubleshooting)'];
    return {
      status: 'fail',
      summary: `OpenSearchCluster ${name} has no elected cluster manager (cluster_manager_not_discovered_exception).`,
      evidence,
      data: { target, name },
      fix: {
        title: 'Switch to standalone OpenSearch',
        changes: target
          ? `Upgrades release ${target.release} with global.opensearch.mode=standalone (OpenSearchCluster ${name} is replaced by the single-node StatefulSet opensearch-${env.tenant}), then deletes the cluster's PersistentVolumeClaims (its data).`
          : `No LogClaw release renders ${name}: the commands replace it by hand.`,
        commands,
        automatic: target !== null,
      },
    };
  },
  async fix(env, detection, line) {
    const { target, name } = detection.data as { target: { release: string; chart: string }; name: string };
    if (!existsSync(target.chart)) throw new AppError('NOT_FOUND', `Chart ${target.chart} does not exist`, { hint: 'Set LOGCLAW_CHARTS_DIR to the charts folder.' });
    assertChartReady(target.chart);
    await env.run('helm', ['upgrade', target.release, target.chart, '-n', env.namespace, '--reuse-values', '--set', 'global.opensearch.mode=standalone'], { timeoutMs: 300_000 });
    line(`helm upgrade ${target.release}: global.opensearch.mode=standalone`);
    const pvcs = await env.core.listNamespacedPersistentVolumeClaim({ namespace: env.namespace, labelSelector: `opster.io/opensearch-cluster=${name}` });
    for (const pvc of pvcs.items) {
      await env.core.deleteNamespacedPersistentVolumeClaim({ name: pvc.metadata!.name!, namespace: env.namespace });
      line(`deleted pvc/${pvc.metadata?.name}`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// 7. Vector → Kafka

interface KafkaObject {
  metadata?: { name?: string };
  spec?: { kafka?: { listeners?: Array<{ name: string; port: number; type: string; tls: boolean }> } };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

export async function readKafkas(env: DoctorEnv): Promise<KafkaObject[]> {
  for (const version of ['v1', 'v1beta2']) {
    const list = await orNull(() => env.custom.listNamespacedCustomObject({ group: STRIMZI_GROUP, version, plural: 'kafkas', namespace: env.namespace }) as Promise<{ items: KafkaObject[] }>);
    if (list) return list.items;
  }
  return [];
}

const PLAIN_LISTENER = { name: 'plain', port: 9092, type: 'internal', tls: false };

export const vectorKafka: CheckDefinition = {
  id: 'vector-kafka',
  title: 'Vector reaches Kafka',
  explanation:
    'Local dev sends logs from Vector to Kafka over the plain listener (9092, no TLS, no auth). Vector\'s bootstrap address must be the Kafka cluster\'s bootstrap Service, and the Kafka CR must have a listener on that port. The fix adds the plain listener to the Kafka CR when it is missing.',
  cluster: true,
  async detect(env) {
    const kafkaName = `logclaw-kafka-${env.tenant}`;
    const maps = (await env.core.listNamespacedConfigMap({ namespace: env.namespace })).items.filter((cm) => (cm.metadata?.name ?? '').startsWith(`logclaw-ingestion-${env.tenant}`));
    const addresses = [...new Set(maps.flatMap((cm) => Object.values(cm.data ?? {}).flatMap((text) => [...text.matchAll(/bootstrap_servers:\s*"?([^"\n]+?)"?\s*$/gm)].map((m) => m[1]!.trim()))))];
    const kafkas = await readKafkas(env);
    const kafka = kafkas.find((k) => k.metadata?.name === kafkaName);
    if (addresses.length === 0 && !kafka) return ok('Neither Vector nor Kafka is installed in this tenant.');
    if (addresses.length === 0) return ok(`No Vector configuration (logclaw-ingestion-${env.tenant}) to check.`);
    const listeners = kafka?.spec?.kafka?.listeners ?? [];
    const evidence: Evidence[] = [
      { source: 'vector configuration', lines: addresses.map((address) => `bootstrap_servers: ${address}`) },
      { source: `kafka/${kafkaName} listeners`, lines: kafka ? listeners.map((l) => `${l.name}: port ${l.port}, ${l.type}, tls ${l.tls}`) : ['the Kafka CR does not exist'] },
    ];
    for (const pod of (await listPods(env)).filter((p) => podName(p).startsWith(`logclaw-ingestion-${env.tenant}`)).slice(0, 2)) {
      const lines = (await logLines(env, pod, undefined, 100)).filter((line) => /kafka|broker|bootstrap/i.test(line) && /error|warn|fail|refused|timed? ?out/i.test(line)).slice(-5);
      if (lines.length) evidence.push({ source: `pod/${podName(pod)} logs`, lines });
    }
    const bootstrap = `${kafkaName}-kafka-bootstrap`;
    const problems: string[] = [];
    let missingPlain = false;
    for (const address of addresses.flatMap((a) => a.split(',')).map((a) => a.trim())) {
      const [host = '', port = ''] = address.split(':');
      const validHosts = [bootstrap, `${bootstrap}.${env.namespace}`, `${bootstrap}.${env.namespace}.svc`, `${bootstrap}.${env.namespace}.svc.cluster.local`];
      if (!validHosts.includes(host)) problems.push(`Vector's bootstrap ${address} is not the Kafka bootstrap Service ${bootstrap}`);
      if (!kafka) continue;
      const listener = listeners.find((l) => l.port === Number(port));
      if (!listener) {
        problems.push(`kafka/${kafkaName} has no listener on port ${port}${Number(port) === 9092 ? ' (the plain listener)' : ''}`);
        if (Number(port) === 9092) missingPlain = true;
      }
    }
    if (!kafka) problems.push(`kafka/${kafkaName} does not exist`);
    if (problems.length === 0) return ok(`Vector uses ${addresses.join(', ')}; kafka/${kafkaName} has the matching listener.`, evidence);
    const automatic = missingPlain && problems.length === 1;
    return {
      status: 'fail',
      summary: problems.join('; ') + '.',
      evidence,
      fix: automatic
        ? {
            title: 'Add the plain listener',
            changes: `Adds the listener {name: plain, port: 9092, type: internal, tls: false} to kafka/${kafkaName} in ${env.namespace} (Strimzi rolls the broker). Keep global.kafka.listener=plain in your values so a later upgrade keeps it.`,
            commands: [env.cmd('kubectl', ['-n', env.namespace, 'patch', 'kafka', kafkaName, '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/spec/kafka/listeners/-', value: PLAIN_LISTENER }])])],
            automatic: true,
          }
        : {
            title: 'Align Vector with Kafka',
            changes: 'The address comes from the release values: set global.kafka.listener (plain for local dev) for both logclaw-kafka and logclaw-ingestion and upgrade them.',
            commands: [env.cmd('helm', ['get', 'values', `logclaw-ingestion-${env.tenant}`, '-n', env.namespace]), env.cmd('kubectl', ['-n', env.namespace, 'get', 'kafka', kafkaName, '-o', 'jsonpath={.spec.kafka.listeners[*].name}'])],
            automatic: false,
          },
    };
  },
  async fix(env, _detection, line) {
    const kafkaName = `logclaw-kafka-${env.tenant}`;
    await env.run('kubectl', ['-n', env.namespace, 'patch', 'kafka', kafkaName, '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/spec/kafka/listeners/-', value: PLAIN_LISTENER }])]);
    line(`added the plain listener (9092) to kafka/${kafkaName}`);
  },
};

// ---------------------------------------------------------------------------------------------
// 10. Helm releases stuck pending-* or failed

async function listReleases(env: DoctorEnv, namespace: string | 'all'): Promise<HelmRelease[]> {
  return helmList((name, args, options) => env.ctx.tools.run(name as 'helm', args, options), env.target, namespace, { timeoutMs: 60_000 });
}

interface HistoryEntry {
  revision: number;
  status: string;
  chart: string;
  description: string;
  updated: string;
}

async function history(env: DoctorEnv, release: HelmRelease): Promise<HistoryEntry[]> {
  const { stdout } = await env.run('helm', ['history', release.name, '-n', release.namespace, '--max', '10', '-o', 'json']);
  return JSON.parse(stdout || '[]') as HistoryEntry[];
}

interface StuckRelease {
  release: HelmRelease;
  action: 'uninstall' | 'rollback';
  to?: number;
}

export const helmReleases: CheckDefinition = {
  id: 'helm-releases',
  title: 'Helm releases are deployed',
  explanation:
    'A helm that was killed mid-operation leaves its release "pending-install"/"pending-upgrade", and every later helm command fails with "another operation is in progress"; a failed upgrade leaves it "failed". The fix rolls the release back to its last good revision, or uninstalls a first install that never finished (the next install starts clean).',
  cluster: true,
  async detect(env) {
    const operatorNamespaces = new Set(env.plan.operators.map((op) => op.namespace));
    const releases = (await listReleases(env, 'all')).filter((r) => r.namespace === env.namespace || operatorNamespaces.has(r.namespace));
    if (releases.length === 0) return ok(`No releases in ${env.namespace} or the operator namespaces.`);
    const stuck = releases.filter((r) => r.status.startsWith('pending-') || r.status === 'failed');
    const lines = releases.map((r) => `${r.namespace}/${r.name} revision ${r.revision}: ${r.status}`);
    if (stuck.length === 0) return ok(`${releases.length} release(s) deployed.`, [{ source: 'helm list -a', lines }]);
    const plans: StuckRelease[] = [];
    const evidence: Evidence[] = [{ source: 'helm list -a', lines }];
    for (const release of stuck) {
      const entries = await history(env, release).catch(() => [] as HistoryEntry[]);
      evidence.push({ source: `helm history ${release.name}`, lines: entries.slice(-4).map((h) => `${h.revision} ${h.status} ${h.chart}: ${mask(env, h.description)}`) });
      const good = entries.filter((h) => h.revision < release.revision && (h.status === 'deployed' || h.status === 'superseded')).at(-1);
      plans.push(release.status === 'pending-install' || !good ? { release, action: 'uninstall' } : { release, action: 'rollback', to: good.revision });
    }
    const command = (p: StuckRelease) => (p.action === 'uninstall' ? env.cmd('helm', ['uninstall', p.release.name, '-n', p.release.namespace]) : env.cmd('helm', ['rollback', p.release.name, String(p.to), '-n', p.release.namespace]));
    return {
      status: 'fail',
      summary: stuck.map((r) => `${r.name} is ${r.status}`).join('; ') + '.',
      evidence,
      data: plans,
      fix: {
        title: plans.length > 1 ? 'Repair the releases' : plans[0]!.action === 'uninstall' ? `Uninstall ${plans[0]!.release.name}` : `Roll back ${plans[0]!.release.name}`,
        changes: plans.map((p) => (p.action === 'uninstall' ? `Uninstalls ${p.release.namespace}/${p.release.name} (${p.release.status}, never deployed; install it again from the Stack pane)` : `Rolls ${p.release.namespace}/${p.release.name} back to revision ${p.to}`)).join('; ') + '.',
        commands: plans.map(command),
        automatic: true,
      },
    };
  },
  async fix(env, detection, line) {
    for (const plan of detection.data as StuckRelease[]) {
      const { name, namespace } = plan.release;
      if (plan.action === 'uninstall') await env.run('helm', ['uninstall', name, '-n', namespace, '--wait', '--timeout', '2m']);
      else await env.run('helm', ['rollback', name, String(plan.to), '-n', namespace, '--timeout', '5m']);
      line(plan.action === 'uninstall' ? `uninstalled ${namespace}/${name}` : `rolled ${namespace}/${name} back to revision ${plan.to}`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// 11. ExternalSecrets not Ready

const ESO = { group: 'external-secrets.io', version: 'v1beta1' };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface ExternalSecretObject {
  metadata?: { name?: string; creationTimestamp?: string };
  spec?: {
    secretStoreRef?: { name?: string; kind?: string };
    data?: Array<{ secretKey?: string; remoteRef?: { key?: string; property?: string } }>;
    dataFrom?: Array<{ extract?: { key?: string }; find?: unknown }>;
    target?: { name?: string };
  };
  status?: { conditions?: Condition[] };
}

export const externalSecrets: CheckDefinition = {
  id: 'external-secrets',
  title: 'ExternalSecrets are Ready',
  explanation:
    'With a secret store enabled, the platform chart\'s ExternalSecrets copy credentials from the cloud store into Kubernetes Secrets. One that is not Ready leaves its Secret missing or stale, and the pods that need it wait in CreateContainerConfigError. The check names the store and the remote key each one reads; fix the store (credentials, region, key name), then force a refresh.',
  cluster: true,
  async detect(env) {
    const list = await orNull(() => env.custom.listNamespacedCustomObject({ ...ESO, plural: 'externalsecrets', namespace: env.namespace }) as Promise<{ items: ExternalSecretObject[] }>);
    if (!list) return ok('External Secrets is not installed on this cluster.');
    if (list.items.length === 0) return ok(`No ExternalSecrets in ${env.namespace} (dev secrets are plain Secrets).`);
    const evidence: Evidence[] = [];
    const broken: string[] = [];
    for (const item of list.items) {
      const name = item.metadata?.name ?? '?';
      const ready = item.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status === 'True') continue;
      if (!ready && Date.now() - new Date(item.metadata?.creationTimestamp ?? 0).getTime() < 60_000) continue;
      const store = item.spec?.secretStoreRef ?? {};
      const kind = store.kind ?? 'SecretStore';
      const keys = [...(item.spec?.data ?? []).map((d) => `${d.remoteRef?.key ?? '?'}${d.remoteRef?.property ? `#${d.remoteRef.property}` : ''} → ${d.secretKey ?? '?'}`), ...(item.spec?.dataFrom ?? []).map((d) => `${d.extract?.key ?? 'find …'} (all keys)`)];
      const storeObject = await orNull(() =>
        (kind === 'ClusterSecretStore'
          ? env.custom.getClusterCustomObject({ ...ESO, plural: 'clustersecretstores', name: store.name ?? '' })
          : env.custom.getNamespacedCustomObject({ ...ESO, plural: 'secretstores', namespace: env.namespace, name: store.name ?? '' })) as Promise<{ status?: { conditions?: Condition[] } }>,
      ).catch(() => null);
      const storeReady = storeObject?.status?.conditions?.find((c) => c.type === 'Ready');
      const storeLine = !storeObject ? `${kind} ${store.name} does not exist` : `${kind} ${store.name}: ${storeReady ? `Ready=${storeReady.status}${storeReady.message ? ` – ${storeReady.message}` : ''}` : 'no status yet'}`;
      broken.push(`${name} (store ${kind}/${store.name ?? '?'}, key ${keys[0] ?? '?'})`);
      evidence.push({
        source: `externalsecret/${name}`,
        lines: [`Ready=${ready?.status ?? 'unknown'}${ready?.reason ? ` (${ready.reason})` : ''}${ready?.message ? `: ${ready.message}` : ''}`, `store: ${storeLine}`, ...keys.map((key) => `remote key: ${key}`), `target Secret: ${item.spec?.target?.name ?? name}`],
      });
    }
    if (broken.length === 0) return ok(`${list.items.length} ExternalSecret(s) Ready.`);
    const first = list.items.find((item) => broken[0]!.startsWith(item.metadata?.name ?? ''))?.metadata?.name ?? '';
    return {
      status: 'fail',
      summary: `Not Ready: ${broken.join('; ')}.`,
      evidence,
      fix: {
        title: 'Fix the store, then refresh',
        changes: 'Nothing is changed automatically: the cause is in the secret store (credentials, permissions, a key that does not exist). After fixing it, force a refresh.',
        commands: [env.cmd('kubectl', ['-n', env.namespace, 'describe', 'externalsecret', first]), `${env.cmd('kubectl', ['-n', env.namespace, 'annotate', 'externalsecret', first, '--overwrite'])} force-sync=$(date +%s)`],
        automatic: false,
      },
    };
  },
};

export type { Detection };
