// Image pulls while a step waits for readiness, in the real kube-apiserver: a Deployment's pod (kept
// off every node, so only this test writes its status, as a kubelet would) reports the container
// runtime's pull errors. A rate limit is reported and waited on; a tag that does not exist fails the
// wait at once with the image, its registry and the fix, long before the step's timeout.
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '#contract/errors.js';
import { waitForReady } from '../../electron/services/stack/readiness-watch.js';
import { patchPodStatus } from '../doctor/support.js';
import { ensureNamespace, kubeConfigOf, waitFor } from '../support/kube.js';
import { useTestEnv } from '../support/test-env.js';

const NAMESPACE = `pulls-${Date.now().toString(36).slice(-5)}`;
const IMAGE = 'docker.io/library/postgres:16.99';
// containerd's messages, as the kubelet copies them into the container's waiting state.
const RATE_LIMITED = `failed to pull and unpack image "${IMAGE}": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/postgres/manifests/16.99: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.`;
const NOT_FOUND = `rpc error: code = NotFound desc = failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": ${IMAGE}: not found`;

describe('image pulls during a readiness wait', () => {
  let kc: KubeConfig;

  beforeAll(async () => {
    kc = kubeConfigOf((await useTestEnv('kube')).kube);
    await ensureNamespace(kc, NAMESPACE);
  });

  async function pendingDeployment(name: string): Promise<string> {
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { nodeSelector: { 'pulls.logclaw.io/none': 'true' }, containers: [{ name: 'db', image: IMAGE }] },
          },
        },
      },
    });
    let pod = '';
    await waitFor(async () => {
      const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: `app=${name}` });
      pod = pods.items[0]?.metadata?.name ?? '';
      return pod !== '';
    }, 'the ReplicaSet to create the pod');
    return pod;
  }

  const pulling = (reason: string, message: string) => ({
    phase: 'Pending',
    containerStatuses: [{ name: 'db', image: IMAGE, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message } } }],
  });

  it('waits through a rate limit, then fails at once on a tag that does not exist, naming the image and the fix', async () => {
    const pod = await pendingDeployment('db');
    const lines: string[] = [];
    let seen: (line: string) => void = () => undefined;
    const controller = new AbortController();
    const started = Date.now();
    const wait = waitForReady(kc, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'db', namespace: NAMESPACE }], NAMESPACE, {
      signal: controller.signal,
      timeoutMs: 10 * 60_000,
      onLine: (line) => {
        lines.push(line);
        seen(line);
      },
    }).then(
      () => null,
      (error: unknown) => error as AppError,
    );
    const lineMatching = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        if (lines.some((line) => pattern.test(line))) return resolve();
        seen = (line) => pattern.test(line) && resolve();
      });

    await patchPodStatus(kc, NAMESPACE, pod, pulling('ErrImagePull', RATE_LIMITED));
    await lineMatching(/rate-limited – the kubelet retries it/);
    expect(lines).toContain(`image ${IMAGE} (pod/${pod}, db): ErrImagePull, rate-limited – the kubelet retries it`);

    await patchPodStatus(kc, NAMESPACE, pod, pulling('ErrImagePull', NOT_FOUND));
    const error = await wait;
    expect(error).toMatchObject({
      code: 'IMAGE_PULL_FAILED',
      message: `Image ${IMAGE} cannot be pulled from docker.io: not found ("NotFound" in the kubelet's message)`,
      detail: { pulls: [{ pod, container: 'db', image: IMAGE, reason: 'ErrImagePull', result: 'not-found' }] },
    });
    expect(error!.hint).toContain(
      'Pin a tag that docker.io has, or mirror the image and point global.imageRegistry in your values at the mirror.',
    );
    expect(Date.now() - started).toBeLessThan(5 * 60_000);
    controller.abort();
  });

  it('reads the pod\'s latest "Failed" event when the kubelet only says it backs off, and fails at once when that says not found', async () => {
    const pod = await pendingDeployment('backoff');
    const core = kc.makeApiClient(CoreV1Api);
    // The kubelet's events for the pod: the runtime's error, then its own summaries (which classify nothing).
    const event = (name: string, reason: string, message: string, at: string) =>
      core.createNamespacedEvent({
        namespace: NAMESPACE,
        body: {
          metadata: { name: `${pod}.${name}` },
          involvedObject: { kind: 'Pod', namespace: NAMESPACE, name: pod },
          reason,
          message,
          type: 'Warning',
          source: { component: 'kubelet' },
          firstTimestamp: new Date(at),
          lastTimestamp: new Date(at),
        },
      });
    await event('a', 'Failed', `Failed to pull image "${IMAGE}": ${RATE_LIMITED}`, '2026-01-01T00:00:00Z');
    await event('b', 'Failed', `Failed to pull image "${IMAGE}": ${NOT_FOUND}`, '2026-01-01T00:01:00Z');
    await event('c', 'Failed', 'Error: ErrImagePull', '2026-01-01T00:01:01Z');
    await event('d', 'BackOff', `Back-off pulling image "${IMAGE}"`, '2026-01-01T00:01:02Z');
    await patchPodStatus(kc, NAMESPACE, pod, pulling('ImagePullBackOff', `Back-off pulling image "${IMAGE}"`));
    const error = await waitForReady(
      kc,
      [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'backoff', namespace: NAMESPACE }],
      NAMESPACE,
      {
        signal: new AbortController().signal,
        timeoutMs: 10 * 60_000,
      },
    ).then(
      () => null,
      (failure: unknown) => failure as AppError,
    );
    expect(error).toMatchObject({
      code: 'IMAGE_PULL_FAILED',
      message: expect.stringContaining(`Image ${IMAGE} cannot be pulled from docker.io: not found`),
      detail: {
        pulls: [
          {
            pod,
            container: 'db',
            image: IMAGE,
            reason: 'ImagePullBackOff',
            result: 'not-found',
            message: `Failed to pull image "${IMAGE}": ${NOT_FOUND}`,
          },
        ],
      },
    });
  });

  it('does not blame a step for the failed pull of a pod that is not one of its workloads', async () => {
    const other = await pendingDeployment('other');
    await patchPodStatus(kc, NAMESPACE, other, pulling('ImagePullBackOff', NOT_FOUND));
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.invalid/stand-in:1' }] } },
        },
      },
    });
    // kwok runs web's pod: the wait ends ready although "other" cannot pull.
    const states = await waitForReady(kc, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: NAMESPACE }], NAMESPACE, {
      signal: new AbortController().signal,
      timeoutMs: 60_000,
    });
    expect(states.map((state) => state.assessment.ready)).toEqual([true]);
  });
});
