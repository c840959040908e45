// Restarting a workload's pods (after its CRDs or the Secret it reads changed), as the installer's
// Strimzi step and the doctor's fixes both do it.
import type { ToolCall } from '../../tools/tools-service.js';
import { type ResolvedTarget, targetCommand } from '../target.js';

export function rolloutRestart(target: ResolvedTarget, kind: 'deployment' | 'statefulset', namespace: string, name: string): ToolCall {
  return targetCommand(target, 'kubectl', ['rollout', 'restart', kind, '-n', namespace, name]);
}
