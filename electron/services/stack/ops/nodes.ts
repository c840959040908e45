// The topology zone every chart spreads its pods over: the kind config sets it on the node, the
// installer labels a node created without it, and the doctor's topology-zone fix does the same.
import type { CoreV1Api } from '@kubernetes/client-node';
import type { ToolCall } from '../../tools/tools-service.js';
import { ZONE, ZONE_LABEL } from '../kind.js';
import { type ResolvedTarget, targetCommand } from '../target.js';

export async function nodesWithoutZone(core: CoreV1Api): Promise<string[]> {
  const nodes = await core.listNode();
  return nodes.items.filter((node) => !node.metadata?.labels?.[ZONE_LABEL]).map((node) => node.metadata!.name!);
}

export function labelZone(target: ResolvedTarget, node: string): ToolCall {
  return targetCommand(target, 'kubectl', ['label', 'node', node, `${ZONE_LABEL}=${ZONE}`, '--overwrite']);
}
