// 1. Strimzi CRDs without kafka.strimzi.io/v1: the same check and upgrade as the installer's
// crds:strimzi step (stack/ops/strimzi.ts).
import type { Evidence } from '#contract/doctor.js';
import { runs } from '../../stack/ops/shown.js';
import {
  STRIMZI_CRDS,
  STRIMZI_OPERATOR,
  applyStrimziCrds,
  readStrimziCrds,
  restartStrimziOperator,
  servesV1,
  strimziCrdsUrl,
  strimziOperator,
} from '../../stack/ops/strimzi.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { type CheckDefinition, ok } from '../check.js';
import { listPods, logLines, orNull, podName } from '../env.js';

interface Upgrade {
  url: string;
  apply: ToolCall;
  /** Absent when the operator's Deployment does not exist (nothing to restart). */
  restart?: ToolCall;
  namespace: string;
}

export const strimziCrds: CheckDefinition = {
  id: 'strimzi-crds',
  title: 'Strimzi CRDs serve kafka.strimzi.io/v1',
  explanation:
    'Helm installs CRDs only on the first install and never upgrades them. A cluster that had an older Strimzi keeps CRDs without kafka.strimzi.io/v1, and Strimzi 0.50\'s entity operator crash-loops with "kafkausers at kafka.strimzi.io/v1 not found". The fix applies the matching CRDs server-side and restarts the cluster operator.',
  cluster: true,
  async detect(env) {
    const crds = await readStrimziCrds(env.crds);
    if (crds.every((crd) => crd.served === null)) return ok('Strimzi is not installed on this cluster (no kafka.strimzi.io CRDs).');
    const evidence: Evidence[] = [
      {
        source: 'CustomResourceDefinitions',
        lines: crds.map((crd) => (crd.served ? `${crd.name}: serves ${crd.served.join(', ')}` : `${crd.name}: missing`)),
      },
    ];
    const problems = crds.filter((crd) => !servesV1(crd)).map((crd) => crd.name);
    if (problems.length === 0) return ok(`${STRIMZI_CRDS.length} Strimzi CRDs serve v1.`, evidence);
    for (const pod of (await listPods(env)).filter((p) => podName(p).includes('entity-operator')).slice(0, 2)) {
      const logs = (await logLines(env, pod, pod.spec?.containers.find((c) => c.name === 'user-operator')?.name, 40))
        .filter((line) => /v1|not found|kafkauser/i.test(line))
        .slice(-5);
      if (logs.length) evidence.push({ source: `pod/${podName(pod)} logs`, lines: logs });
    }
    const operator = strimziOperator(env.plan);
    const namespace = operator?.namespace ?? 'strimzi-system';
    const version = operator?.chart.version ?? '0.50.1';
    const url = strimziCrdsUrl(env.ctx.env, version);
    const deployed = await orNull(env.apps.readNamespacedDeployment({ name: STRIMZI_OPERATOR, namespace }));
    const upgrade: Upgrade = {
      url,
      apply: applyStrimziCrds(env.target, url),
      namespace,
      ...(deployed ? { restart: restartStrimziOperator(env.target, namespace) } : {}),
    };
    return {
      status: 'fail',
      summary: `${problems.map((name) => name.split('.')[0]).join(', ')} ${problems.length > 1 ? 'do' : 'does'} not serve kafka.strimzi.io/v1 (older CRDs than Strimzi ${version}).`,
      evidence,
      data: upgrade,
      fix: {
        title: 'Upgrade the Strimzi CRDs',
        changes: `Server-side applies the Strimzi ${version} CRDs (${STRIMZI_CRDS.join(', ')} …) over the older ones, then ${deployed ? `restarts deployment ${namespace}/${STRIMZI_OPERATOR}` : `would restart deployment ${namespace}/${STRIMZI_OPERATOR}, which does not exist`}.`,
        shown: [runs(upgrade.apply), ...(upgrade.restart ? [runs(upgrade.restart)] : [])],
        automatic: true,
      },
    };
  },
  async fix(env, detection, line) {
    const upgrade = detection.data as Upgrade;
    await env.exec(upgrade.apply);
    line(`applied the Strimzi CRDs from ${upgrade.url} (server-side)`);
    if (!upgrade.restart) {
      line(`deployment ${upgrade.namespace}/${STRIMZI_OPERATOR} does not exist: nothing to restart`);
      return;
    }
    await env.exec(upgrade.restart);
    line(`restarted deployment ${upgrade.namespace}/${STRIMZI_OPERATOR}`);
  },
};
