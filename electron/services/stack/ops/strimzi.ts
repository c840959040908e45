// The Strimzi CRDs, checked and upgraded by both the installer and the doctor. Helm installs CRDs
// only on the first install and never upgrades them, so a cluster that had an older Strimzi keeps
// CRDs without kafka.strimzi.io/v1 and Strimzi 0.50's entity operator crash-loops (the seed's
// troubleshooting): the fix applies the matching CRDs server-side and restarts the operator.
import type { ApiextensionsV1Api } from '@kubernetes/client-node';
import type { ToolCommand } from '#contract/command.js';
import type { ToolCall } from '../../tools/tools-service.js';
import type { PlanOperator, StackPlan } from '../plan.js';
import { type ResolvedTarget, targetCommand } from '../target.js';
import { TEST_HOOKS } from '../test-hooks.js';
import { rolloutRestart } from './rollout.js';

export const STRIMZI_GROUP = 'kafka.strimzi.io';
export const STRIMZI_CRDS = ['kafkas', 'kafkanodepools', 'kafkatopics', 'kafkausers'].map((plural) => `${plural}.${STRIMZI_GROUP}`);
export const STRIMZI_OPERATOR = 'strimzi-cluster-operator';

export function strimziOperator(plan: StackPlan): PlanOperator | undefined {
  return plan.operators.find((operator) => operator.name === 'strimzi');
}

/** The CRD bundle of a Strimzi release, or the test hook's (a URL or a file; a packaged app has none). */
export function strimziCrdsUrl(env: NodeJS.ProcessEnv, version: string): string {
  return (
    env[TEST_HOOKS.strimziCrdsUrl] ||
    `https://github.com/strimzi/strimzi-kafka-operator/releases/download/${version}/strimzi-crds-${version}.yaml`
  );
}

export interface CrdVersions {
  name: string;
  /** The versions it serves; null when the CRD does not exist. */
  served: string[] | null;
}

export async function readStrimziCrds(api: ApiextensionsV1Api): Promise<CrdVersions[]> {
  return Promise.all(
    STRIMZI_CRDS.map(async (name) => {
      const crd = await api.readCustomResourceDefinition({ name }).catch((error: { code?: number }) => {
        if (error.code === 404) return null;
        throw error;
      });
      return { name, served: crd ? crd.spec.versions.filter((version) => version.served).map((version) => version.name) : null };
    }),
  );
}

export const servesV1 = (crd: CrdVersions): boolean => crd.served?.includes('v1') ?? false;

/** What the check reads through the API, as kubectl. */
export function showServedVersions(target: ResolvedTarget): ToolCommand {
  return targetCommand(target, 'kubectl', ['get', 'crd', `kafkausers.${STRIMZI_GROUP}`, '-o', 'jsonpath={.spec.versions[*].name}']);
}

/** kubectl fetches the bundle itself (URL or file), so the line shown is the one that runs. */
export function applyStrimziCrds(target: ResolvedTarget, url: string): ToolCall {
  return targetCommand(target, 'kubectl', ['apply', '-f', url, '--server-side', '--force-conflicts']);
}

export function restartStrimziOperator(target: ResolvedTarget, namespace: string): ToolCall {
  return rolloutRestart(target, 'deployment', namespace, STRIMZI_OPERATOR);
}
