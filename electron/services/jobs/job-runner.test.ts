import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError, type Job } from '../../contract/index.js';
import { useTempDir } from '../../../tests/support/temp.js';
import { EventBus } from '../events.js';
import { type JobDefinition, JobRunner, type StepContext } from './job-runner.js';

const tempDir = useTempDir('logclaw-jobs-');

/** A job whose steps record their runs; `failAt` and `blockAt` control one step's behaviour. */
function recordingJob(runs: string[], control: { failAt?: string; blockAt?: string; release?: Promise<void> }) {
  return (): JobDefinition => ({
    title: 'Demo install',
    steps: ['cluster', 'operators', 'tenant'].map((id) => ({
      id,
      title: `Step ${id}`,
      async run(ctx: StepContext) {
        runs.push(id);
        ctx.command(`helm upgrade --install ${id}`);
        ctx.line(`starting ${id}`, 'stdout');
        ctx.message(`working on ${id}`);
        if (control.blockAt === id) {
          await new Promise<void>((resolve, reject) => {
            control.release?.then(resolve);
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
          });
        }
        if (control.failAt === id) {
          ctx.line('Error: release tenant failed: timed out waiting for the condition', 'stderr');
          throw new AppError('HELM_FAILED', `helm install ${id} failed`, { hint: 'look at the pod events' });
        }
      },
    })),
  });
}

describe('JobRunner', () => {
  it('runs steps in order, journals them and emits progress', async () => {
    const dir = tempDir();
    const bus = new EventBus();
    const events: string[] = [];
    bus.onAny((name, payload) => events.push(`${name}:${(payload as Job).state ?? ''}`));
    const runner = new JobRunner(dir, bus);
    await runner.init();
    const runs: string[] = [];
    runner.register('install', recordingJob(runs, {}));
    const job = await runner.start('install', { tenant: 'dev-local' });
    const done = await runner.wait(job.id);
    expect(runs).toEqual(['cluster', 'operators', 'tenant']);
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((step) => step.state)).toEqual(['done', 'done', 'done']);
    expect(done.steps[0]!.commands).toEqual(['helm upgrade --install cluster']);
    expect(done.steps.every((step) => step.endedAt! >= step.startedAt!)).toBe(true);
    const journal = JSON.parse(readFileSync(join(dir, 'jobs', `${job.id}.json`), 'utf8')) as Job;
    expect(journal.state).toBe('succeeded');
    expect(journal.params).toEqual({ tenant: 'dev-local' });
    expect(events).toContain('job:changed:succeeded');
    expect((await runner.lines(job.id)).map((line) => line.text)).toEqual(['starting cluster', 'starting operators', 'starting tenant']);
    await runner.close();
  });

  it('stops at a failing step with its code, hint and last lines; resume re-runs only from there', async () => {
    const dir = tempDir();
    const runner = new JobRunner(dir, new EventBus());
    await runner.init();
    const runs: string[] = [];
    const control: { failAt?: string } = { failAt: 'operators' };
    runner.register('install', recordingJob(runs, control));
    const failed = await runner.wait((await runner.start('install')).id);
    expect(failed.state).toBe('failed');
    expect(failed.steps.map((step) => step.state)).toEqual(['done', 'failed', 'pending']);
    expect(failed.failure).toMatchObject({
      stepId: 'operators',
      code: 'HELM_FAILED',
      hint: 'look at the pod events',
      lastLines: ['starting operators', 'Error: release tenant failed: timed out waiting for the condition'],
    });
    delete control.failAt;
    const resumed = await runner.wait((await runner.resume(failed.id)).id);
    expect(resumed.state).toBe('succeeded');
    expect(resumed.failure).toBeUndefined();
    expect(runs).toEqual(['cluster', 'operators', 'operators', 'tenant']);
    await runner.close();
  });

  it('cancels the running step without marking it done', async () => {
    const runner = new JobRunner(tempDir(), new EventBus());
    await runner.init();
    const runs: string[] = [];
    runner.register('install', recordingJob(runs, { blockAt: 'operators' }));
    const job = await runner.start('install');
    while (runs.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const cancelled = await runner.cancel(job.id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.steps.map((step) => step.state)).toEqual(['done', 'cancelled', 'pending']);
    expect(runs).toEqual(['cluster', 'operators']);
    await runner.close();
  });

  it('allows one running job per kind', async () => {
    const runner = new JobRunner(tempDir(), new EventBus());
    await runner.init();
    let release!: () => void;
    const control = { blockAt: 'cluster', release: new Promise<void>((resolve) => (release = resolve)) };
    runner.register('install', recordingJob([], control));
    const first = await runner.start('install');
    await expect(runner.start('install')).rejects.toMatchObject({ code: 'JOB_BUSY' });
    release();
    expect((await runner.wait(first.id)).state).toBe('succeeded');
    await runner.close();
  });

  it('marks a job left running by a dead process as interrupted and resumes it in a new runner', async () => {
    const dir = tempDir();
    const first = new JobRunner(dir, new EventBus());
    await first.init();
    const runs: string[] = [];
    first.register('install', recordingJob(runs, { blockAt: 'operators', release: new Promise(() => undefined) }));
    const job = await first.start('install');
    while (runs.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    // Simulate the app being killed: a new runner reads the journal while the job still says running.
    const second = new JobRunner(dir, new EventBus());
    await second.init();
    const interrupted = second.get(job.id);
    expect(interrupted.state).toBe('interrupted');
    expect(interrupted.steps.map((step) => step.state)).toEqual(['done', 'pending', 'pending']);
    const secondRuns: string[] = [];
    second.register('install', recordingJob(secondRuns, {}));
    const resumed = await second.wait((await second.resume(job.id)).id);
    expect(resumed.state).toBe('succeeded');
    expect(secondRuns).toEqual(['operators', 'tenant']);
    await second.close();
    await first.close();
  });

  it('gives coded errors for unknown jobs and kinds', async () => {
    const runner = new JobRunner(tempDir(), new EventBus());
    await runner.init();
    expect(() => runner.get('nope')).toThrowError(expect.objectContaining({ code: 'JOB_NOT_FOUND' }));
    await expect(runner.start('unknown-kind')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
