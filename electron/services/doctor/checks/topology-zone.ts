// 5. Pods Pending on topology spread because a node has no zone label: labelled as the installer
// labels a node (stack/ops/nodes.ts).
import type { V1Pod } from '@kubernetes/client-node';
import type { Evidence } from '#contract/doctor.js';
import { ZONE, ZONE_LABEL } from '../../stack/kind.js';
import { labelZone } from '../../stack/ops/nodes.js';
import { runs } from '../../stack/ops/shown.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { type CheckDefinition, ok } from '../check.js';
import { eventLines, listPods, podName } from '../env.js';

interface NodeLabel {
  node: string;
  command: ToolCall;
}

const TOPOLOGY = /topology spread|pod topology|missing required label/i;

export const topologyZone: CheckDefinition = {
  id: 'topology-zone',
  title: 'Nodes carry the topology zone label',
  explanation: `Every LogClaw chart spreads its pods over zones (topologySpreadConstraints on ${ZONE_LABEL}). A node without that label cannot satisfy a DoNotSchedule constraint, so the pods stay Pending. kind nodes have no zone unless one is set; \`make kind-create\` and the app label the control-plane node. The fix labels the nodes that lack it.`,
  cluster: true,
  settleMs: 30_000,
  async detect(env) {
    const pending = (await listPods(env)).filter((pod) => pod.status?.phase === 'Pending' && !pod.spec?.nodeName);
    const nodes = (await env.core.listNode()).items;
    const unlabelled = nodes.filter((node) => !node.metadata?.labels?.[ZONE_LABEL]).map((node) => node.metadata!.name!);
    const blocked: Array<{ pod: V1Pod; lines: string[] }> = [];
    for (const pod of pending) {
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      const events = (await eventLines(env, podName(pod), 'Pod')).filter((line) => /FailedScheduling/.test(line));
      const lines = [...(condition?.message ? [`PodScheduled=False: ${condition.message}`] : []), ...events.slice(-2)];
      if (lines.some((line) => TOPOLOGY.test(line))) blocked.push({ pod, lines });
    }
    const nodeLine = `${nodes.length} node(s); without ${ZONE_LABEL}: ${unlabelled.length ? unlabelled.join(', ') : 'none'}`;
    if (blocked.length === 0) return ok(`No pod Pending on topology spread (${nodeLine}).`);
    const evidence: Evidence[] = [
      { source: 'nodes', lines: [nodeLine] },
      ...blocked.slice(0, 5).map(({ pod, lines }) => ({ source: `pod/${podName(pod)}`, lines })),
    ];
    const summary = `${blocked.length} pod(s) Pending on topology spread (${blocked
      .slice(0, 3)
      .map(({ pod }) => podName(pod))
      .join(', ')})`;
    if (unlabelled.length === 0) {
      return {
        status: 'fail',
        summary: `${summary}, yet every node has a zone: the tier asks for more zones than the cluster has.`,
        evidence,
        fix: {
          title: 'Use fewer zones',
          changes: 'Install with global.tier=standard (ScheduleAnyway) on a one-zone cluster, or add nodes in other zones.',
          commands: [env.commandLine('kubectl', ['get', 'nodes', '-L', ZONE_LABEL])],
          automatic: false,
        },
      };
    }
    const labels: NodeLabel[] = unlabelled.map((node) => ({ node, command: labelZone(env.target, node) }));
    return {
      status: 'fail',
      summary: `${summary}: node(s) ${unlabelled.join(', ')} have no ${ZONE_LABEL} label.`,
      evidence,
      data: labels,
      fix: {
        title: 'Label the node zone',
        changes: `Labels node(s) ${unlabelled.join(', ')} with ${ZONE_LABEL}=${ZONE}; the scheduler then places the Pending pods.`,
        shown: labels.map(({ command }) => runs(command)),
        automatic: true,
      },
    };
  },
  async fix(env, detection, line) {
    for (const { node, command } of detection.data as NodeLabel[]) {
      await env.exec(command);
      line(`labelled node ${node} ${ZONE_LABEL}=${ZONE}`);
    }
  },
};
