// Image pulls of the pods behind the workloads a step waits on. The kubelet reports a failed pull in
// the container's waiting state (ErrImagePull, then ImagePullBackOff while it retries), with the
// runtime's error as the message. A pull that cannot succeed (no such tag, access denied, a malformed
// reference) fails the step at once with the image and the classified reason, instead of after the
// step's timeout; one that may succeed on a later try (rate limit, network) is reported and waited on,
// since the kubelet retries it by itself.
import type { CoreV1Api, CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { AppError } from '#contract/index.js';
import { REALITY_SEVERITY, REALITY_TITLES, type RealityResult } from '#contract/images.js';
import { TENANT_MIRROR, imageAdvice } from '../images/advice.js';
import { type PullMessageClass, classifyPullMessage } from '../images/pull-message.js';
import { registryOf } from '../images/reference.js';
import type { NetworkFailure } from '../images/registry-client.js';

const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

export interface PullProblem {
  namespace: string;
  pod: string;
  container: string;
  image: string;
  /** The kubelet's waiting reason. */
  reason: string;
  message: string;
  /** null: the runtime's message matched no known phrase (treated as transient). */
  verdict: PullMessageClass | null;
  /** Waiting longer will not help. */
  permanent: boolean;
}

/** Containers (init containers included) of the pods that wait on a failed image pull. */
export function pullProblems(pods: readonly V1Pod[]): PullProblem[] {
  const problems: PullProblem[] = [];
  for (const pod of pods) {
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = status.state?.waiting;
      if (!waiting?.reason || !PULL_REASONS.has(waiting.reason)) continue;
      const message = waiting.message ?? '';
      const verdict = classifyPullMessage([waiting.reason, message]);
      problems.push({
        namespace: pod.metadata?.namespace ?? '',
        pod: pod.metadata?.name ?? '?',
        container: status.name,
        image: specs.find((spec) => spec.name === status.name)?.image ?? status.image ?? '?',
        reason: waiting.reason,
        message,
        verdict,
        permanent: verdict !== null && REALITY_SEVERITY[verdict.result] === 'fail',
      });
    }
  }
  return problems;
}

/**
 * While the kubelet waits to retry it only says "Back-off pulling image …"; the runtime's error is in
 * the pod's "Failed" events ("Failed to pull image …: … not found"). A watch asks for the latest such
 * event of each pull it cannot classify, once per waiting message, and classifies that instead.
 */
export class PullEvents {
  readonly #read = new Map<string, string | null>();

  constructor(private readonly core: Pick<CoreV1Api, 'listNamespacedEvent'>) {}

  /** The problems, each unclassified one with its event's message and verdict once that was read. */
  explain(problems: readonly PullProblem[]): PullProblem[] {
    return problems.map((problem) => {
      const message = problem.verdict ? null : this.#read.get(eventKey(problem));
      const verdict = message ? classifyPullMessage([message]) : null;
      return message && verdict ? { ...problem, message, verdict, permanent: REALITY_SEVERITY[verdict.result] === 'fail' } : problem;
    });
  }

  /** Reads the events of the unclassified problems not asked about yet; `onRead` runs when one brought a message. */
  read(problems: readonly PullProblem[], onRead: () => void): void {
    for (const problem of problems) {
      const key = eventKey(problem);
      if (problem.verdict || this.#read.has(key)) continue;
      this.#read.set(key, null);
      void latestPullFailure(this.core, problem).then(
        (message) => {
          this.#read.set(key, message);
          if (message) onRead();
        },
        // An unreadable event list leaves the pull unclassified, as the kubelet's message does.
        () => undefined,
      );
    }
  }
}

function eventKey(problem: PullProblem): string {
  return JSON.stringify([problem.namespace, problem.pod, problem.image, problem.message]);
}

/** The message of the pod's latest "Failed" event about pulling this image, or null. */
export async function latestPullFailure(core: Pick<CoreV1Api, 'listNamespacedEvent'>, problem: PullProblem): Promise<string | null> {
  const { items } = await core.listNamespacedEvent({ namespace: problem.namespace, fieldSelector: `involvedObject.name=${problem.pod}` });
  const when = (event: CoreV1Event) => new Date(event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp ?? 0).getTime();
  const failed = items
    .filter(
      (event) => event.reason === 'Failed' && event.message?.includes('Failed to pull image') && event.message.includes(problem.image),
    )
    .sort((a, b) => when(b) - when(a));
  return failed[0]?.message ?? null;
}

/** One line for the step's log. */
export function describePull(problem: PullProblem): string {
  const what = problem.verdict ? REALITY_TITLES[problem.verdict.result].toLowerCase() : 'not pulled yet';
  const next = problem.permanent ? '' : ' – the kubelet retries it';
  return `image ${problem.image} (pod/${problem.pod}, ${problem.container}): ${problem.reason}, ${what}${next}`;
}

/** The step's failure for pulls that cannot succeed: each image, its registry, why, and what to do. */
export function pullFailure(problems: readonly PullProblem[]): AppError {
  const permanent = problems.filter((problem) => problem.permanent);
  const first = permanent[0]!;
  return imagePullFailed({
    images: [...new Set(permanent.map((problem) => problem.image))],
    answer: { result: first.verdict!.result },
    quoted: `"${first.verdict!.phrase}" in the kubelet's message`,
    mirror: TENANT_MIRROR,
    pulls: permanent.map(({ pod, container, image, reason, message, verdict }) => ({
      pod,
      container,
      image,
      reason,
      message,
      result: verdict!.result,
    })),
  });
}

/**
 * IMAGE_PULL_FAILED, wherever a pull failed (the images step's crictl, the kubelet in a release's
 * wait): the images and who uses them, the first one's registry, why (the classified reason and the
 * phrase it rests on), the fix for that registry, and each pull in the detail.
 */
export function imagePullFailed(failure: {
  images: readonly string[];
  usedBy?: readonly string[];
  answer: { result: RealityResult; network?: NetworkFailure };
  quoted: string;
  /** Where a mirror for these images is configured (advice.ts). */
  mirror: string;
  pulls: ReadonlyArray<Record<string, unknown>>;
}): AppError {
  const { images, usedBy, answer } = failure;
  const registry = registryOf(images[0]!);
  const what =
    images.length === 1 ? `Image ${images[0]}${usedBy ? ` (${usedBy.join(', ')})` : ''}` : `${images.length} images (${images.join(', ')})`;
  return new AppError(
    'IMAGE_PULL_FAILED',
    `${what} cannot be pulled from ${registry}: ${REALITY_TITLES[answer.result].toLowerCase()} (${failure.quoted})`,
    {
      hint:
        imageAdvice(registry, answer, { mirror: failure.mirror, proxied: false }).fix ?? 'Fix the image reference, then retry the step.',
      detail: { pulls: failure.pulls },
    },
  );
}
