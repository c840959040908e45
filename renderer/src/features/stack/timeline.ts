// Timeline arithmetic: elapsed time per step and the job's remaining time along the DAG's critical
// path, from the durations of earlier runs on this machine (never a made-up percentage).
import type { Job, JobStep } from '#contract/index.js';
import type { StepInfo } from '#contract/stack.js';

export function elapsedMs(step: Pick<JobStep, 'startedAt' | 'endedAt' | 'state'>, now: number): number | null {
  if (step.startedAt === undefined) return null;
  return (step.state === 'running' ? now : (step.endedAt ?? now)) - step.startedAt;
}

/**
 * What is left of the job if each unfinished step takes as long as it did before: the longest chain
 * of remaining steps through the DAG. null while some remaining step has never run on this machine.
 */
export function remainingMs(job: Job, info: StepInfo[], now: number): number | null {
  const meta = new Map(info.map((step) => [step.id, step]));
  const states = new Map(job.steps.map((step) => [step.id, step]));
  const memo = new Map<string, number | null>();
  const finish = (id: string): number | null => {
    if (memo.has(id)) return memo.get(id)!;
    const step = states.get(id);
    let result: number | null;
    if (!step || step.state === 'done' || step.state === 'skipped') result = 0;
    else {
      const eta = meta.get(id)?.etaMs ?? null;
      const own = eta === null ? null : step.state === 'running' ? Math.max(0, eta - (elapsedMs(step, now) ?? 0)) : eta;
      const deps = (meta.get(id)?.dependsOn ?? []).map(finish);
      result = own === null || deps.some((d) => d === null) ? null : own + Math.max(0, ...(deps as number[]));
    }
    memo.set(id, result);
    return result;
  };
  const all = job.steps.map((step) => finish(step.id));
  return all.some((value) => value === null) ? null : Math.max(0, ...(all as number[]));
}
