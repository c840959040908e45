// 6. OpenSearch cluster_manager_not_discovered_exception: the operator-managed dev cluster without
// quorum, switched to the standalone single-node OpenSearch.
import { existsSync } from 'node:fs';
import { shellLine } from '#contract/command.js';
import type { Evidence } from '#contract/doctor.js';
import { AppError } from '#contract/index.js';
import { helmUpgrade } from '../../stack/ops/releases.js';
import { equivalent, runs } from '../../stack/ops/shown.js';
import { assertChartReady, chartPath, fill } from '../../stack/plan.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { type CheckDefinition, ok } from '../check.js';
import { type DoctorEnv, eventLine, listPods, listReleases, logLines, orNull, podName, sortEvents } from '../env.js';

const DISCOVERY = /cluster_manager_not_discovered_exception|master_not_discovered_exception/;
const OPSTER = { group: 'opensearch.opster.io', version: 'v1', plural: 'opensearchclusters' };

interface OpenSearchClusterObject {
  metadata?: { name?: string };
  status?: { phase?: string; health?: string };
}

interface Switch {
  release: string;
  chart: string;
  cluster: string;
  upgrade: ToolCall;
}

async function listOpenSearchClusters(env: DoctorEnv): Promise<OpenSearchClusterObject[]> {
  const list = await orNull(
    () => env.custom.listNamespacedCustomObject({ ...OPSTER, namespace: env.namespace }) as Promise<{ items: OpenSearchClusterObject[] }>,
  );
  return list?.items ?? [];
}

/** The release that renders logclaw-opensearch: the per-chart one, or the umbrella. */
async function opensearchRelease(env: DoctorEnv): Promise<{ release: string; chart: string } | null> {
  const releases = await listReleases(env, env.namespace).catch(() => []);
  const perChart = env.plan.tenant.releases.find((release) => release.name === 'opensearch');
  const perChartName = perChart ? fill(perChart.release, env.tenant) : `logclaw-opensearch-${env.tenant}`;
  if (releases.some((r) => r.name === perChartName))
    return { release: perChartName, chart: chartPath(env.chartsDir, perChart?.chart ?? 'charts/logclaw-opensearch') };
  const umbrella = `logclaw-${env.tenant}`;
  if (releases.some((r) => r.name === umbrella)) return { release: umbrella, chart: chartPath(env.chartsDir, 'charts/logclaw-tenant') };
  return null;
}

export const opensearchClusterManager: CheckDefinition = {
  id: 'opensearch-cluster-manager',
  title: 'OpenSearch elects a cluster manager',
  explanation:
    "With single-replica cluster-manager pools (dev sizes), the Opster operator's bootstrap pod forms a 2-node voting configuration and then deletes itself, leaving the only cluster manager without quorum: every request answers cluster_manager_not_discovered_exception. The fix switches the tenant to the standalone single-node OpenSearch (global.opensearch.mode=standalone), which removes the OpenSearchCluster and its volumes.",
  cluster: true,
  settleMs: 30_000,
  async detect(env) {
    const clusters = await listOpenSearchClusters(env);
    if (clusters.length === 0) return ok('No operator-managed OpenSearchCluster in this tenant (standalone or not installed).');
    const names = clusters.map((c) => c.metadata?.name ?? '?');
    const evidence: Evidence[] = [
      {
        source: 'OpenSearchCluster',
        lines: clusters.map((c) => `${c.metadata?.name}: phase ${c.status?.phase ?? 'none'}, health ${c.status?.health ?? 'unknown'}`),
      },
    ];
    const events = await env.core.listNamespacedEvent({ namespace: env.namespace });
    const related = sortEvents(events.items).filter(
      (event) => DISCOVERY.test(event.message ?? '') && names.some((name) => (event.involvedObject?.name ?? '').startsWith(name)),
    );
    if (related.length)
      evidence.push({
        source: 'events',
        lines: related.slice(-5).map((event) => `${event.involvedObject?.kind}/${event.involvedObject?.name}: ${eventLine(event)}`),
      });
    const pods = (await listPods(env)).filter((pod) =>
      names.some((name) => pod.metadata?.labels?.['opster.io/opensearch-cluster'] === name || podName(pod).startsWith(name)),
    );
    for (const pod of pods.slice(0, 3)) {
      const lines = (await logLines(env, pod, undefined, 100)).filter((line) => DISCOVERY.test(line)).slice(-3);
      if (lines.length) evidence.push({ source: `pod/${podName(pod)} logs`, lines });
    }
    if (evidence.length === 1)
      return ok(`OpenSearchCluster ${names.join(', ')}: no cluster_manager_not_discovered_exception in its events or logs.`, evidence);
    const target = await opensearchRelease(env);
    const cluster = names[0]!;
    const deleteVolumes = env.command('kubectl', ['delete', 'pvc', '-n', env.namespace, '-l', `opster.io/opensearch-cluster=${cluster}`]);
    const summary = `OpenSearchCluster ${cluster} has no elected cluster manager (cluster_manager_not_discovered_exception).`;
    const title = 'Switch to standalone OpenSearch';
    if (!target) {
      return {
        status: 'fail',
        summary,
        evidence,
        fix: {
          title,
          changes: `No LogClaw release renders ${cluster}: the commands replace it by hand.`,
          commands: [
            env.commandLine('kubectl', ['delete', 'opensearchcluster', cluster, '-n', env.namespace]),
            shellLine(deleteVolumes),
            '# then apply the standalone StatefulSet of the LogClaw README (Troubleshooting)',
          ],
          automatic: false,
        },
      };
    }
    const change: Switch = {
      ...target,
      cluster,
      upgrade: helmUpgrade(env.target, {
        release: target.release,
        chart: target.chart,
        namespace: env.namespace,
        reuseValues: true,
        set: ['global.opensearch.mode=standalone'],
      }),
    };
    return {
      status: 'fail',
      summary,
      evidence,
      data: change,
      fix: {
        title,
        changes: `Upgrades release ${target.release} with global.opensearch.mode=standalone (OpenSearchCluster ${cluster} is replaced by the single-node StatefulSet opensearch-${env.tenant}), then deletes the cluster's PersistentVolumeClaims (its data).`,
        shown: [runs(change.upgrade), equivalent(deleteVolumes)],
        automatic: true,
      },
    };
  },
  async fix(env, detection, line) {
    const { release, chart, cluster, upgrade } = detection.data as Switch;
    if (!existsSync(chart))
      throw new AppError('NOT_FOUND', `Chart ${chart} does not exist`, { hint: 'Set LOGCLAW_CHARTS_DIR to the charts folder.' });
    assertChartReady(chart);
    await env.exec(upgrade, { timeoutMs: 300_000 });
    line(`helm upgrade ${release}: global.opensearch.mode=standalone`);
    const pvcs = await env.core.listNamespacedPersistentVolumeClaim({
      namespace: env.namespace,
      labelSelector: `opster.io/opensearch-cluster=${cluster}`,
    });
    for (const pvc of pvcs.items) {
      await env.core.deleteNamespacedPersistentVolumeClaim({ name: pvc.metadata!.name!, namespace: env.namespace });
      line(`deleted pvc/${pvc.metadata?.name}`);
    }
  },
};
