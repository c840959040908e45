// Every rendered scenario goes through a real kube-apiserver with the upstream CRDs installed:
// `kubectl apply --server-side --dry-run=server --validate=strict` (unknown fields are errors).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INSTALLABLE, ciValuesFiles } from '../../scripts/charts/lib.js';
import { installCrds, kubectlRun, type KubeTarget } from '../../scripts/test-env/kube/helpers.js';
import { useTestEnv } from '../support/test-env.js';
import { preparedCharts, renderText, tenantOf } from './support.js';

/** Optional CRDs that are installed in the test cluster (production scenarios render their objects). */
const OPTIONAL_APIS = [
  'serving.kserve.io/v1beta1/InferenceService',
  'monitoring.coreos.com/v1/ServiceMonitor',
  'autoscaling.k8s.io/v1/VerticalPodAutoscaler',
];

let helm: string;
let kubectl: string;
let target: KubeTarget;
let chartsDir: string;

beforeAll(async () => {
  const { kube, tools } = await useTestEnv('kube', 'tools');
  helm = tools.helm;
  kubectl = tools.kubectl;
  target = { kubeconfig: kube.kubeconfig, context: kube.context };
  chartsDir = await preparedCharts(helm);
  const crds = await installCrds(kubectl, kube.kubeconfig, undefined, { context: kube.context, timeoutMs: 120_000 });
  expect(crds.length).toBeGreaterThan(40);
}, 600_000);

const scenarios = () =>
  INSTALLABLE.flatMap((chart) => {
    const dir = join(chartsDir, chart);
    return ciValuesFiles(dir).map((file) => ({ chart, file: file.slice(dir.length + 1) }));
  });

async function ensureNamespace(namespace: string): Promise<void> {
  const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`;
  await kubectlRun(kubectl, target, ['apply', '--server-side', '-f', '-'], { input: yaml });
}

describe('server-side dry-run against kube-apiserver with the upstream CRDs', () => {
  it('every chart × ci scenario is accepted', async () => {
    const results: string[] = [];
    for (const { chart, file } of scenarios()) {
      const tenant = tenantOf(chartsDir, chart, file);
      const namespace = `logclaw-${tenant}`;
      await ensureNamespace(namespace);
      // The local profile runs on kind without KServe, VPA or Prometheus CRDs; the others where they exist.
      const local = file === 'ci/default-values.yaml';
      const release = chart === 'logclaw-tenant' ? namespace : `${chart}-${tenant}`;
      const apiVersions = local ? [] : OPTIONAL_APIS;
      const manifest = await renderText(helm, chartsDir, chart, { release, namespace, files: [file], apiVersions });
      if (!manifest.includes('kind:')) continue; // logclaw-flink's local profile renders nothing
      try {
        const out = await kubectlRun(
          kubectl,
          target,
          ['apply', '--server-side', '--dry-run=server', '--validate=strict', '--force-conflicts', '-n', namespace, '-f', '-'],
          { input: manifest },
        );
        results.push(`${chart} ${file}: ${out.trim().split('\n').length} objects`);
      } catch (error) {
        results.push(`${chart} ${file}: REJECTED\n${(error as Error).message}`);
      }
    }
    expect(results.filter((r) => r.includes('REJECTED'))).toEqual([]);
    expect(results.length).toBeGreaterThan(25);
  }, 600_000);
});
