import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError, type Job } from '#contract/index.js';
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

  it('runs a DAG: independent steps at the same time, dependents after their dependencies', async () => {
    const runner = new JobRunner(tempDir(), new EventBus());
    await runner.init();
    const events: string[] = [];
    const step = (id: string, dependsOn: string[], ms: number) => ({
      id,
      title: id,
      dependsOn,
      async run() {
        events.push(`start ${id}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`end ${id}`);
      },
    });
    runner.register('dag', () => ({
      title: 'DAG',
      steps: [step('a', [], 10), step('b', ['a'], 60), step('c', ['a'], 30), step('d', ['b', 'c'], 5)],
    }));
    const done = await runner.wait((await runner.start('dag')).id);
    expect(done.state).toBe('succeeded');
    // b and c overlap; d waits for both.
    expect(events.indexOf('start c')).toBeLessThan(events.indexOf('end b'));
    expect(events.indexOf('start d')).toBeGreaterThan(events.indexOf('end b'));
    expect(events.slice(0, 2)).toEqual(['start a', 'end a']);
    await runner.close();
  });

  it('in a DAG, a failure lets running siblings finish, starts nothing new, and skip resumes past it', async () => {
    const runner = new JobRunner(tempDir(), new EventBus());
    await runner.init();
    const runs: string[] = [];
    let failB = true;
    runner.register('dag', () => ({
      title: 'DAG',
      steps: [
        { id: 'a', title: 'a', dependsOn: [], run: async () => void runs.push('a') },
        {
          id: 'b',
          title: 'b',
          dependsOn: ['a'],
          run: async (ctx) => {
            runs.push('b');
            ctx.line('b is broken', 'stderr');
            if (failB) throw new AppError('HELM_FAILED', 'b failed');
          },
        },
        {
          id: 'c',
          title: 'c',
          dependsOn: ['a'],
          run: async () => void (await new Promise((resolve) => setTimeout(resolve, 50)), runs.push('c')),
        },
        { id: 'd', title: 'd', dependsOn: ['b'], run: async () => void runs.push('d') },
      ],
    }));
    const failed = await runner.wait((await runner.start('dag')).id);
    expect(failed.state).toBe('failed');
    expect(failed.steps.map((s) => s.state)).toEqual(['done', 'failed', 'done', 'pending']);
    expect(failed.failure).toMatchObject({ stepId: 'b', code: 'HELM_FAILED', lastLines: ['b is broken'] });
    await expect(runner.resume(failed.id, { skip: ['a'] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const skipped = await runner.wait((await runner.resume(failed.id, { skip: ['b'] })).id);
    expect(skipped.state).toBe('succeeded');
    expect(skipped.steps.map((s) => s.state)).toEqual(['done', 'skipped', 'done', 'done']);
    expect(runs.sort()).toEqual(['a', 'b', 'c', 'd']);
    failB = false;
    await runner.close();
  });

  it('refuses a job whose steps depend on unknown steps or on each other', async () => {
    const runner = new JobRunner(tempDir(), new EventBus());
    await runner.init();
    const noop = async () => undefined;
    runner.register('unknown', () => ({ title: 'x', steps: [{ id: 'a', title: 'a', dependsOn: ['zz'], run: noop }] }));
    runner.register('cycle', () => ({
      title: 'x',
      steps: [
        { id: 'a', title: 'a', dependsOn: ['b'], run: noop },
        { id: 'b', title: 'b', dependsOn: ['a'], run: noop },
      ],
    }));
    await expect(runner.start('unknown')).rejects.toThrow(/unknown step/);
    await expect(runner.start('cycle')).rejects.toThrow(/depend on each other/);
  });

  it('gives coded errors for unknown jobs and kinds', async () => {
    const runner = new JobRunner(tempDir(), new EventBus());
    await runner.init();
    expect(() => runner.get('nope')).toThrowError(expect.objectContaining({ code: 'JOB_NOT_FOUND' }));
    await expect(runner.start('unknown-kind')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
