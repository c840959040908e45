// 12. Pods in CrashLoopBackOff or failing to pull their image: reported with their events and last
// logs (the cause needs a person, so the fix is by hand).
import type { Evidence } from '#contract/doctor.js';
import { type CheckDefinition, ok } from '../check.js';
import { eventLines, listPods, logLines, podName } from '../env.js';

const BAD_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export const podFailures: CheckDefinition = {
  id: 'pod-failures',
  title: 'No pod crash-loops or fails to pull its image',
  explanation:
    'A container in CrashLoopBackOff starts and exits again and again: its last log lines (of the previous run) say why. ImagePullBackOff means the node cannot pull the image: a wrong name or tag, a private registry without credentials, or no network. The events of the pod name the cause.',
  cluster: true,
  async detect(env) {
    const pods = await listPods(env);
    const failing = pods.flatMap((pod) =>
      [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
        .filter((status) => BAD_WAITING.has(status.state?.waiting?.reason ?? ''))
        .map((status) => ({ pod, status })),
    );
    if (failing.length === 0) return ok(`${pods.length} pod(s), none in CrashLoopBackOff or ImagePullBackOff.`);
    const evidence: Evidence[] = [];
    for (const { pod, status } of failing.slice(0, 6)) {
      const waiting = status.state!.waiting!;
      const last = status.lastState?.terminated;
      evidence.push({
        source: `pod/${podName(pod)} ${status.name}`,
        lines: [
          `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`,
          ...(last ? [`last exit ${last.exitCode} (${last.reason ?? 'Error'}), ${status.restartCount} restarts`] : []),
        ],
      });
      const events = await eventLines(env, podName(pod), 'Pod');
      if (events.length) evidence.push({ source: `pod/${podName(pod)} events`, lines: events });
      if (waiting.reason === 'CrashLoopBackOff') {
        const logs = await logLines(env, pod, status.name, 20);
        evidence.push({
          source: `pod/${podName(pod)} logs (${status.name}, previous run)`,
          lines: logs.length ? logs : ['(no logs available)'],
        });
      }
    }
    const first = failing[0]!;
    return {
      status: 'fail',
      summary: failing.map(({ pod, status }) => `${podName(pod)}/${status.name}: ${status.state?.waiting?.reason}`).join('; ') + '.',
      evidence,
      fix: {
        title: 'Investigate',
        changes:
          'No automatic fix: the cause is in the logs or events above (a configuration error, a missing Secret, an image name). After fixing it, the pod restarts by itself.',
        commands: [
          env.commandLine('kubectl', ['-n', env.namespace, 'logs', podName(first.pod), '-c', first.status.name, '--previous']),
          env.commandLine('kubectl', ['-n', env.namespace, 'describe', 'pod', podName(first.pod)]),
        ],
        automatic: false,
      },
    };
  },
};
