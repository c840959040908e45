// Test support for the doctor: failure states built in a real kube-apiserver (kwok runs pods on its
// node; status subresources are patched to what a kubelet would report), helm releases left
// pending/failed the way an interrupted helm leaves them, and a fake /proc/sys.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  type V1Pod,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { expect } from 'vitest';
import type { Backend } from '../../electron/backend.js';
import { type ToolCommand, shellLine } from '#contract/command.js';
import type { DoctorCheckId, FixResult } from '#contract/doctor.js';
import { isEquivalentLine } from '../../electron/services/stack/ops/shown.js';
import { ensureNamespace, waitFor } from '../support/kube.js';

export const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** Applies a status patch (merge) through the status subresource, as a kubelet or operator would. */
export async function patchPodStatus(kc: KubeConfig, namespace: string, name: string, status: V1Pod['status']): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .patchNamespacedPodStatus({ name, namespace, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
}

export async function patchCustomStatus(
  kc: KubeConfig,
  ref: { group: string; version: string; plural: string; namespace: string; name: string },
  status: unknown,
): Promise<void> {
  await kc
    .makeApiClient(CustomObjectsApi)
    .patchNamespacedCustomObjectStatus({ ...ref, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

/** A pod the scheduler cannot place (nothing matches its nodeSelector): no kubelet ever touches its status. */
export async function unschedulablePod(
  kc: KubeConfig,
  namespace: string,
  name: string,
  spec: Partial<V1Pod['spec']> & { labels?: Record<string, string> } = {},
): Promise<void> {
  const { labels, ...rest } = spec;
  await ensureNamespace(kc, namespace);
  await kc.makeApiClient(CoreV1Api).createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        nodeSelector: { 'doctor.logclaw.io/none': 'true' },
        containers: [{ name: 'main', image: 'registry.invalid/stand-in:1' }],
        ...rest,
      },
    },
  });
}

export async function event(
  kc: KubeConfig,
  namespace: string,
  involved: { kind: string; name: string; apiVersion?: string },
  fields: { type?: string; reason: string; message: string },
): Promise<void> {
  const now = new Date();
  await kc.makeApiClient(CoreV1Api).createNamespacedEvent({
    namespace,
    body: {
      metadata: { generateName: `${involved.name}.` },
      involvedObject: { ...involved, namespace },
      type: fields.type ?? 'Warning',
      reason: fields.reason,
      message: fields.message,
      count: 3,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'kubelet' },
    },
  });
}

/** A one-replica Deployment kwok makes Ready. */
export async function readyDeployment(
  kc: KubeConfig,
  namespace: string,
  name: string,
  options: {
    labels?: Record<string, string>;
    container?: string;
    memory?: string;
    env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  } = {},
): Promise<V1Pod> {
  await ensureNamespace(kc, namespace);
  const labels = { app: name, ...options.labels };
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: options.container ?? 'main',
                image: 'registry.invalid/stand-in:1',
                env: options.env as never,
                resources: options.memory ? { limits: { memory: options.memory } } : undefined,
              },
            ],
          },
        },
      },
    },
  });
  let pod: V1Pod | undefined;
  await waitFor(async () => {
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: `app=${name}` });
    pod = pods.items.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return Boolean(pod);
  }, `a ready pod of ${name}`);
  return pod!;
}

/** A tiny chart: a ConfigMap and a Secret from values (so `helm get values` holds a secret). */
export function tinyChart(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logclaw-doctor-chart-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\nappVersion: "1"\n');
  writeFileSync(join(dir, 'values.yaml'), 'message: hello\nauth:\n  password: ""\n');
  writeFileSync(
    join(dir, 'templates', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  message: {{ .Values.message | quote }}\n',
  );
  return dir;
}

export async function helm(helmBin: string, kube: { kubeconfig: string; context: string }, args: string[]): Promise<string> {
  const result = await execa(helmBin, [...args, '--kube-context', kube.context], { env: { KUBECONFIG: kube.kubeconfig }, reject: false });
  if (result.exitCode !== 0) throw new Error(`helm ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Rewrites the stored release (`sh.helm.release.v1.<name>.v<revision>`) to `status`, in the body
 * helm reads (base64 + gzip JSON) and in the Secret's label: what a helm killed mid-install leaves.
 */
export async function setReleaseStatus(kc: KubeConfig, namespace: string, name: string, revision: number, status: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const secretName = `sh.helm.release.v1.${name}.v${revision}`;
  const secret = await core.readNamespacedSecret({ name: secretName, namespace });
  const body = JSON.parse(
    gunzipSync(Buffer.from(Buffer.from(secret.data!.release!, 'base64').toString('utf8'), 'base64')).toString('utf8'),
  ) as { info: { status: string; description: string } };
  body.info.status = status;
  body.info.description = status === 'failed' ? 'Upgrade "' + name + '" failed: context deadline exceeded' : 'Initial install underway';
  const encoded = Buffer.from(gzipSync(Buffer.from(JSON.stringify(body))).toString('base64')).toString('base64');
  await core.replaceNamespacedSecret({
    name: secretName,
    namespace,
    body: { ...secret, metadata: { ...secret.metadata, labels: { ...secret.metadata?.labels, status } }, data: { release: encoded } },
  });
}

/** A /proc/sys stand-in with the given values. */
export function fakeProc(values: { maxMapCount: number; watches: number; instances: number }): string {
  const root = mkdtempSync(join(tmpdir(), 'logclaw-doctor-proc-'));
  mkdirSync(join(root, 'proc', 'sys', 'vm'), { recursive: true });
  mkdirSync(join(root, 'proc', 'sys', 'fs', 'inotify'), { recursive: true });
  setProc(root, values);
  return root;
}

export function setProc(root: string, values: { maxMapCount: number; watches: number; instances: number }): void {
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'max_map_count'), `${values.maxMapCount}\n`);
  writeFileSync(join(root, 'proc', 'sys', 'fs', 'inotify', 'max_user_watches'), `${values.watches}\n`);
  writeFileSync(join(root, 'proc', 'sys', 'fs', 'inotify', 'max_user_instances'), `${values.instances}\n`);
}

export const HEALTHY_PROC = { maxMapCount: 262_144, watches: 524_288, instances: 512 };

/** Tool runs that only read: the doctor's detectors and re-checks make them, and nobody is shown them. */
const READ = /^(?:\S+=\S+ )*(?:helm (?:list|history|status|get|version)|kubectl (?:get|version|config|auth can-i))\b/;

/**
 * Records every tool run at the exec boundary (the backend's onExec), as shellLine() renders the
 * command handed to the operating system, to check that a fix ran exactly the commands it showed.
 */
export function execRecorder() {
  const lines: string[] = [];
  return {
    onExec: ({ binary: _binary, ...command }: ToolCommand & { binary: string }) => void lines.push(shellLine(command)),
    /** What `action` ran, reads left out, in order. */
    async changesDuring<T>(action: () => Promise<T>): Promise<{ result: T; ran: string[] }> {
      const from = lines.length;
      const result = await action();
      return { result, ran: lines.slice(from).filter((line) => !READ.test(line)) };
    },
  };
}

/** Applies a fix and asserts that what ran is, line for line, what the fix showed (its equivalents aside). */
export async function fixRunningWhatItShows(
  backend: Backend,
  recorder: ReturnType<typeof execRecorder>,
  request: { id: DoctorCheckId; tenant?: string },
): Promise<FixResult> {
  const { result, ran } = await recorder.changesDuring(() => backend.call('doctor:fix', { ...request, confirm: request.id }));
  const shown = (result.before.fix?.commands ?? []).filter((line) => !isEquivalentLine(line));
  expect(ran, 'the commands the fix ran are the ones it showed').toEqual(shown);
  return result;
}
