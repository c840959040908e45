// What the operator and release steps share around `helm upgrade --install`: the values files the
// app writes, the repair of a release a killed helm left pending, and helm's failure as a card.
import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import YAML from 'yaml';
import { shellLine } from '#contract/command.js';
import { AppError } from '#contract/index.js';
import { writeFileAtomic } from '../../fs-atomic.js';
import type { StepContext } from '../../jobs/job-runner.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { helmMessage } from '../helm.js';
import { pendingRepair, repairCommand } from '../ops/releases.js';
import type { ResolvedTarget } from '../target.js';
import type { StepTools } from './step.js';

/** A values file only the user can read (it may hold dev secrets). */
export async function writeValues(path: string, values: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, YAML.stringify(values));
  await chmod(path, 0o600);
}

export async function repairIfPending(
  tools: StepTools,
  target: ResolvedTarget,
  release: string,
  namespace: string,
  s: StepContext,
): Promise<void> {
  const repair = await pendingRepair(tools.read, target, release, namespace);
  if (!repair) return;
  s.line(`${release} is ${repair.release.status} (a helm operation was interrupted); repairing it`);
  await tools.exec(repairCommand(target, repair));
}

/** helm's failure as a failure card: its own message, a hint for the common causes, the command. */
export function helmFailure(error: unknown, command: ToolCall, release: string): AppError {
  if (error instanceof AppError && error.code === 'CANCELLED') return error;
  const message = helmMessage(error) ?? (error as Error).message;
  const conflict = /(\w+) "([^"]+)" in namespace "([^"]+)" exists and cannot be imported/.exec(message);
  const hint = conflict
    ? `${conflict[1]} ${conflict[2]} already exists and does not belong to ${release}: delete it (kubectl delete ${conflict[1]!.toLowerCase()} ${conflict[2]} -n ${conflict[3]}) or remove it from your values, then retry.`
    : /values don't meet the specifications|schema/i.test(message)
      ? "A value does not match the chart's schema: fix your values file, then retry."
      : "Read helm's message below, fix the cause, then retry the step.";
  const detail = (error as { detail?: { stderrTail?: string[] } }).detail;
  return new AppError('HELM_FAILED', `helm could not install ${release}: ${message}`, {
    hint,
    detail: { command: shellLine(command), stderrTail: detail?.stderrTail ?? [] },
    cause: error,
  });
}
