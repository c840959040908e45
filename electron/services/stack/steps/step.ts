// What every install and uninstall step is built from: the job's saved params, the spec of a step
// (its place in the DAG, whether it may be skipped, what it shows), and the tools a running step
// uses: reads nobody is shown, and commands that are shown on the step as they run.
import type { KubeConfig } from '@kubernetes/client-node';
import { shellLine } from '#contract/command.js';
import type { StepKind } from '#contract/stack.js';
import type { BackendContext } from '../../../domain.js';
import type { ImageTarget } from '../../images/reality.js';
import type { StepContext } from '../../jobs/job-runner.js';
import type { RunResult } from '../../tools/run-tool.js';
import type { CommandOptions, ToolCall } from '../../tools/tools-service.js';
import type { ManifestObject, RunTool } from '../helm.js';
import { type Shown, equivalent, renderShown } from '../ops/shown.js';
import type { StackPlan } from '../plan.js';
import { waitForReady } from '../readiness-watch.js';
import { isWatched, parseDuration, waitCommand } from '../readiness.js';
import type { DevSecretsStore } from '../secrets.js';
import { type ResolvedTarget, kubeConfigFor, targetCommand } from '../target.js';

export interface UpParams {
  tenant: string;
  storageClass: string;
  target: ResolvedTarget;
  /** kind's node provider when Docker is not usable, chosen when the job started (so what is shown is what runs). */
  kindProvider?: 'podman';
  valuesFile?: string;
  overrides?: string;
  timeout: string;
  ignorePreflight: string[];
  /** The profile chosen when the job started: its values go under the user's (absent in jobs journalled before profiles). */
  profile?: string;
  /** The releases chosen when the job started (stable across resumes); the operators follow from them. */
  releases: string[];
  /** dag: independent releases in parallel (the app); serial: one after another in plan order (the benchmark's baseline). */
  schedule: 'dag' | 'serial';
}

export interface DownParams {
  tenant: string;
  target: ResolvedTarget;
  kindProvider?: 'podman';
  deleteCluster: boolean;
  /** Releases found when the job started, by plan name → release. */
  installed: Array<{ name: string; release: string }>;
  timeout: string;
}

export interface StepSpec {
  id: string;
  title: string;
  kind: StepKind;
  dependsOn: string[];
  skippable: boolean;
  /** What the step runs and the equivalents of what it does itself, in order; a running step adds the lines only it can know. */
  shown: Shown[];
  run(ctx: StepContext): Promise<void>;
}

/** A step before the graph places it. */
export type StepBody = Omit<StepSpec, 'dependsOn' | 'skippable'>;

export interface StepEnv {
  ctx: BackendContext;
  plan: StackPlan;
  chartsDir: string;
  secrets: DevSecretsStore;
  /** Chart repository that replaces every operator's (a test hook: test-hooks.ts). */
  operatorRepo?: string;
  /** Charts versioned +logclaw-fake may be installed (a test hook: test-hooks.ts). */
  standIns?: boolean;
  preflight(params: UpParams, ignore: string[]): Promise<{ ok: boolean; lines: string[]; report: unknown }>;
  /** The images the install pulls, as the preflight's reality check collects them (the releases' renders and the inventory's). */
  images(params: UpParams): Promise<ImageTarget[]>;
  /** The images step's stall window in ms (a test hook: test-hooks.ts; 90 s otherwise). */
  pullStallMs?: number;
}

/** The step's lines for the timeline and "copy as commands". */
export function stepCommands(spec: Pick<StepSpec, 'shown'>): string[] {
  return spec.shown.map(renderShown);
}

export interface StepTools {
  /** Reads (helm list, kind get): not shown. */
  read: RunTool;
  /** Shows the command on the step, then runs it as it is shown. */
  exec(command: ToolCall, options?: CommandOptions): Promise<RunResult>;
}

export function stepTools(env: StepEnv, s: StepContext, redact: string[] = []): StepTools {
  const { tools } = env.ctx;
  return {
    read: (name, args, options = {}) =>
      tools.run(name, args, { ...options, signal: s.signal, redact: [...redact, ...(options.redact ?? [])] }),
    exec(command, options = {}) {
      const masked = { ...command, redact: [...(command.redact ?? []), ...redact, ...(options.redact ?? [])] };
      s.command(shellLine(masked));
      // A caller's own signal (a stalled pull's) ends the command too; the job's always does.
      const signal = options.signal ? AbortSignal.any([s.signal, options.signal]) : s.signal;
      return tools.runCommand(masked, { onLine: (line, stream) => s.line(line, stream), ...options, signal });
    },
  };
}

/** kind's environment for the job's provider. */
export function kindEnv(params: { kindProvider?: 'podman' }): { env?: Record<string, string> } {
  return params.kindProvider ? { env: { KIND_EXPERIMENTAL_PROVIDER: params.kindProvider } } : {};
}

export function kubeFor(env: StepEnv, target: ResolvedTarget): KubeConfig {
  return kubeConfigFor(target, env.ctx.env);
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Waits for the objects' own readiness through watches; the kubectl waits shown are their equivalents. */
export async function waitObjects(
  env: StepEnv,
  s: StepContext,
  target: ResolvedTarget,
  all: ManifestObject[],
  namespace: string,
  timeout: string,
): Promise<void> {
  const objects = all.filter(isWatched);
  for (const object of objects)
    s.command(renderShown(equivalent(targetCommand(target, 'kubectl', waitCommand(object, namespace, timeout).slice(1)))));
  if (objects.length === 0) return;
  s.line(`waiting for ${objects.length} resource(s) to be ready (timeout ${timeout})`);
  await waitForReady(kubeFor(env, target), objects, namespace, {
    signal: s.signal,
    timeoutMs: parseDuration(timeout),
    onProgress: (summary) => s.message(summary),
    onLine: (text) => s.line(text),
  });
  s.message(`${objects.length} resource(s) ready`);
}
