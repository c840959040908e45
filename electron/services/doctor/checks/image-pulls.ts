// 13. Pods that cannot pull an image (ErrImagePull, ImagePullBackOff, InvalidImageName): which image,
// from which registry, why (the node's error from the waiting message and the pod's events) and what
// this machine's registry client answers for the same image now, then the fix. Nothing is changed
// automatically: the fix is a tag, a mirror, a login or a wait.
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { Evidence } from '#contract/doctor.js';
import { REALITY_TITLES, type RealityResult } from '#contract/images.js';
import { TENANT_MIRROR, imageAdvice } from '../../images/advice.js';
import { dockerCredentials } from '../../images/docker-config.js';
import { classifyPullMessage } from '../../images/pull-message.js';
import { InvalidReference, parseImageRef, registryOf } from '../../images/reference.js';
import { type Probe, RegistryClient } from '../../images/registry-client.js';
import { type CheckDefinition, ok } from '../check.js';
import { type DoctorEnv, eventLines, listPods, podName } from '../env.js';

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);
/** Images probed per run: each probe is a request or three to a registry. */
const MAX_IMAGES = 6;

interface Failing {
  image: string;
  pods: Array<{ pod: V1Pod; status: V1ContainerStatus }>;
}

/** The failing containers by image (the spec's image: a waiting container's status may not name it yet). */
function failingImages(pods: V1Pod[]): Failing[] {
  const byImage = new Map<string, Failing>();
  for (const pod of pods) {
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      if (!PULL_FAILURES.has(status.state?.waiting?.reason ?? '')) continue;
      const image = specs.find((spec) => spec.name === status.name)?.image ?? status.image;
      const entry = byImage.get(image) ?? { image, pods: [] };
      entry.pods.push({ pod, status });
      byImage.set(image, entry);
    }
  }
  return [...byImage.values()];
}

/** Combines what the node said with what the probe from here says: the node's answer decides, the probe refines it. */
function verdict(
  node: ReturnType<typeof classifyPullMessage>,
  probe: Probe | null,
): { result: RealityResult; network?: Probe['network']; note?: string } {
  if (!node) return probe ? { result: probe.result, network: probe.network } : { result: 'error' };
  if (node.result === 'unauthorized' && probe?.result === 'found')
    return {
      result: 'unauthorized',
      note: probe.authenticated
        ? 'This machine pulls it with your Docker credentials, the node has none: the pods need an image pull secret.'
        : 'This machine pulls it anonymously, the node was refused: the node may present stale or wrong credentials.',
    };
  if (node.result === 'unreachable' && probe?.result === 'found')
    return {
      result: 'unreachable',
      network: node.network,
      note: "This machine reaches the registry, the node does not: look at the node's network, DNS and proxy settings.",
    };
  return { result: node.result, network: node.network };
}

async function diagnose(env: DoctorEnv, client: RegistryClient, failing: Failing) {
  const { pod, status } = failing.pods[0]!;
  const waiting = status.state!.waiting!;
  const events = await eventLines(env, podName(pod), 'Pod');
  const node = classifyPullMessage([`${waiting.reason}: ${waiting.message ?? ''}`, ...events]);
  let probe: Probe | null = null;
  let probeLine: string;
  try {
    probe = await client.probe(parseImageRef(failing.image));
    probeLine = `from this machine: ${REALITY_TITLES[probe.result].toLowerCase()}: ${probe.reason}`;
  } catch (error) {
    if (!(error instanceof InvalidReference)) throw error;
    probeLine = `not probed: ${error.message}`;
  }
  const decided = verdict(node, probe);
  const registry = registryOf(failing.image);
  const advice = imageAdvice(
    registry,
    { result: decided.result, network: decided.network, retryAt: probe?.retryAt, status: probe?.status },
    { mirror: TENANT_MIRROR, proxied: Boolean(env.ctx.env.HTTPS_PROXY ?? env.ctx.env.https_proxy) },
  );
  const evidence: Evidence = {
    source: `image ${failing.image} (${registry})`,
    lines: [
      `pods: ${failing.pods.map((entry) => `${podName(entry.pod)}/${entry.status.name} ${entry.status.state?.waiting?.reason}`).join(', ')}`,
      `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`,
      ...events.map((line) => `event: ${line}`),
      node
        ? `the node's error says ${REALITY_TITLES[node.result].toLowerCase()} ("${node.phrase}")`
        : "the node's error names no cause yet",
      probeLine,
      ...(decided.note ? [decided.note] : []),
    ],
  };
  return { failing, registry, result: decided.result, advice, evidence, note: decided.note };
}

export const imagePulls: CheckDefinition = {
  id: 'image-pulls',
  title: 'Every image can be pulled',
  explanation:
    "A node pulls each container's image from its registry. ErrImagePull and ImagePullBackOff mean it could not: the tag does not exist, the registry wants credentials the node does not have, its pull quota is used up (Docker Hub: 429), or the node cannot reach it. InvalidImageName means the reference itself is malformed. The check reads the node's error and asks the registry the same question from this machine.",
  cluster: true,
  async detect(env) {
    const pods = await listPods(env);
    const failing = failingImages(pods);
    if (failing.length === 0) return ok(`${pods.length} pod(s), none failing to pull its image.`);
    const client = new RegistryClient({ credentials: dockerCredentials(env.ctx.env) });
    const diagnosed = await Promise.all(failing.slice(0, MAX_IMAGES).map((entry) => diagnose(env, client, entry)));
    const first = diagnosed[0]!;
    return {
      status: 'fail',
      summary:
        diagnosed.map((d) => `${d.failing.image} (${d.registry}): ${REALITY_TITLES[d.result].toLowerCase()}`).join('; ') +
        (failing.length > MAX_IMAGES ? `; ${failing.length - MAX_IMAGES} more image(s)` : '') +
        '.',
      evidence: diagnosed.map((d) => d.evidence),
      fix: {
        title: 'Fix the image references or access',
        changes: diagnosed.map((d) => `${d.failing.image}: ${[d.note, d.advice.fix].filter(Boolean).join(' ')}`).join('\n'),
        commands: [
          ...new Set(diagnosed.map((d) => d.advice.command).filter((command): command is string => Boolean(command))),
          env.commandLine('kubectl', ['-n', env.namespace, 'describe', 'pod', podName(first.failing.pods[0]!.pod)]),
        ],
        automatic: false,
      },
    };
  },
};
