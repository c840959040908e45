// Test support for the stack installer: the FAKE operator charts served from a local chart
// repository (the upstream repositories cannot be reached here), the tenant charts prepared with
// their stand-ins, an environment for `logclaw` processes, and a harness that plays the parts the
// simulated cluster lacks: kind's storage provisioner and the Strimzi operator's status updates.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, StorageV1Api } from '@kubernetes/client-node';
import YAML from 'yaml';
import { sourceRoot } from '../../electron/services/paths.js';
import { LocalChartRepo } from '../../scripts/charts/local-repo.js';
import { crdsDir } from '../../scripts/test-env/kube/helpers.js';
import { preparedCharts } from '../charts/support.js';

export const FAKES = join(sourceRoot(), 'tests', 'fakes');

/** Stand-in chart → the folder of ../shared/crds holding the real chart's CRDs. */
const CRDS: Record<string, string> = {
  'cert-manager': 'cert-manager',
  'external-secrets': 'external-secrets',
  'strimzi-kafka-operator': 'strimzi',
  'flink-kubernetes-operator': 'flink-kubernetes-operator',
  'opensearch-operator': 'opensearch-operator',
};

interface Crd {
  metadata: { name: string };
  spec: { versions: Array<{ name: string; served: boolean; storage: boolean }> };
}

/** The KafkaUser CRD as an older Strimzi left it: without kafka.strimzi.io/v1 (the seed's troubleshooting case). */
function olderKafkaUser(text: string): string {
  const crd = YAML.parse(text) as Crd;
  crd.spec.versions = crd.spec.versions.filter((version) => version.name !== 'v1');
  return YAML.stringify(crd);
}

export interface OperatorRepo {
  /** LOGCLAW_OPERATOR_CHART_REPO */
  url: string;
  /** LOGCLAW_STRIMZI_CRDS_URL: the real 0.50.1 CRDs as one bundle. */
  strimziCrdsUrl: string;
  close(): Promise<void>;
}

/** Packages the FAKE operator charts (CRDs copied in from ../shared/crds) and serves them. */
export async function serveOperatorCharts(helm: string): Promise<OperatorRepo> {
  const work = mkdtempSync(join(tmpdir(), 'logclaw-operator-charts-'));
  const repo = new LocalChartRepo(helm);
  try {
    for (const chart of readdirSync(join(FAKES, 'operator-charts'), { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      const dir = join(work, chart.name);
      cpSync(join(FAKES, 'operator-charts', chart.name), dir, { recursive: true });
      const source = join(crdsDir(), CRDS[chart.name] ?? chart.name);
      mkdirSync(join(dir, 'crds'), { recursive: true });
      for (const file of readdirSync(source).filter((name) => name.endsWith('.yaml'))) {
        const text = readFileSync(join(source, file), 'utf8');
        writeFileSync(
          join(dir, 'crds', file),
          chart.name === 'strimzi-kafka-operator' && file === '044-Crd-kafkauser.yaml' ? olderKafkaUser(text) : text,
        );
      }
      await repo.add(dir);
    }
    await repo.start();
    const strimzi = join(crdsDir(), 'strimzi');
    const bundle = readdirSync(strimzi)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => readFileSync(join(strimzi, name), 'utf8'))
      .join('\n---\n');
    const strimziCrdsUrl = repo.addFile('strimzi-crds-0.50.1.yaml', bundle);
    return {
      url: repo.url,
      strimziCrdsUrl,
      close: async () => {
        await repo.close();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface StackTestSetup {
  helm: string;
  kubectl: string;
  chartsDir: string;
  operators: OperatorRepo;
}

export async function stackSetup(tools: { helm: string; kubectl: string }): Promise<StackTestSetup> {
  const [chartsDir, operators] = await Promise.all([preparedCharts(tools.helm), serveOperatorCharts(tools.helm)]);
  return { helm: tools.helm, kubectl: tools.kubectl, chartsDir, operators };
}

/** Environment of a `logclaw` process for stack tests: fakes and the test-env helm/kubectl first on PATH, stand-ins allowed. */
export function stackEnv(setup: StackTestSetup, home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: [FAKES, dirname(setup.helm), dirname(setup.kubectl), dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: process.env.HOME,
    LOGCLAW_HOME: home,
    LOGCLAW_CHARTS_DIR: setup.chartsDir,
    LOGCLAW_OPERATOR_CHART_REPO: setup.operators.url,
    LOGCLAW_STRIMZI_CRDS_URL: setup.operators.strimziCrdsUrl,
    // The explicit permission to install the FAKE stand-ins above (a checkout's test hook).
    LOGCLAW_ALLOW_STAND_INS: '1',
    LOGCLAW_FAKE_KIND_HOME: join(home, 'fake-kind'),
    LOGCLAW_TEST_KUBECTL: setup.kubectl,
    XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
    // The FAKE kind's clusters belong to this test run (scripts/test-env/reap.ts).
    LOGCLAW_TEST_RUN_PID: process.env.LOGCLAW_TEST_RUN_PID,
    ...extra,
  };
}

/**
 * Plays the parts a kwok cluster lacks, by polling the API: kind's default StorageClass and its
 * local-path provisioner (a PersistentVolume for every Pending claim), and the Strimzi operator
 * (a Kafka CR becomes Ready `kafkaDelayMs` after it appears). kwok itself makes pods Ready and Job
 * pods Succeeded.
 */
export function playOperators(
  kubeconfig: () => { file: string; context: string } | null,
  options: { kafkaDelayMs?: number; storageClass?: string } = {},
) {
  let stopped = false;
  const seen = new Map<string, number>();
  let kc: KubeConfig | undefined;
  const loop = async () => {
    while (!stopped) {
      try {
        if (!kc) {
          const target = kubeconfig();
          if (target && existsSync(target.file)) {
            const candidate = new KubeConfig();
            candidate.loadFromFile(target.file);
            if (candidate.contexts.some((context) => context.name === target.context)) {
              candidate.setCurrentContext(target.context);
              kc = candidate;
            }
          }
        }
        if (kc) await step(kc, seen, options);
      } catch {
        // The cluster may not answer yet (being created) or any more (being deleted).
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };
  const done = loop();
  return {
    async stop() {
      stopped = true;
      await done;
    },
  };
}

async function step(kc: KubeConfig, seen: Map<string, number>, options: { kafkaDelayMs?: number; storageClass?: string }): Promise<void> {
  const storage = kc.makeApiClient(StorageV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const className = options.storageClass ?? 'standard';
  if (!seen.has('storageclass')) {
    await storage
      .createStorageClass({
        body: {
          metadata: { name: className, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
          provisioner: 'logclaw.test/fake-local-path',
          volumeBindingMode: 'Immediate',
          reclaimPolicy: 'Delete',
        },
      })
      .catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
    seen.set('storageclass', Date.now());
  }
  const claims = await core.listPersistentVolumeClaimForAllNamespaces();
  for (const claim of claims.items.filter((c) => c.status?.phase === 'Pending' && c.spec?.storageClassName === className)) {
    const name = `pv-${claim.metadata!.namespace}-${claim.metadata!.name}`.slice(0, 250);
    await core
      .createPersistentVolume({
        body: {
          metadata: { name, labels: { 'logclaw.io/fake': 'true' } },
          spec: {
            capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
            accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
            storageClassName: className,
            persistentVolumeReclaimPolicy: 'Delete',
            hostPath: { path: `/tmp/${name}` },
            claimRef: { namespace: claim.metadata!.namespace, name: claim.metadata!.name },
          },
        },
      })
      .catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
  }
  const group = 'kafka.strimzi.io';
  const kafkas = (await custom.listClusterCustomObject({ group, version: 'v1', plural: 'kafkas' }).catch(() => ({ items: [] }))) as {
    items: Array<{
      metadata: { name: string; namespace: string; uid: string; generation?: number };
      status?: { conditions?: Array<{ type: string; status: string }> };
    }>;
  };
  for (const kafka of kafkas.items) {
    if (kafka.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    const first = seen.get(kafka.metadata.uid) ?? Date.now();
    seen.set(kafka.metadata.uid, first);
    if (Date.now() - first < (options.kafkaDelayMs ?? 1500)) continue;
    const ref = { group, version: 'v1', namespace: kafka.metadata.namespace, plural: 'kafkas', name: kafka.metadata.name };
    const current = (await custom.getNamespacedCustomObject(ref)) as Record<string, unknown>;
    const now = new Date().toISOString();
    await custom.replaceNamespacedCustomObjectStatus({
      ...ref,
      body: {
        ...current,
        status: {
          observedGeneration: kafka.metadata.generation ?? 1,
          clusterId: 'fake-strimzi-cluster-id',
          kafkaVersion: '4.1.1',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
          listeners: [{ name: 'plain', bootstrapServers: `${kafka.metadata.name}-kafka-bootstrap.${kafka.metadata.namespace}.svc:9092` }],
        },
      },
    });
  }
}

/** Parses `logclaw … --json` output: one event per line. */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}
