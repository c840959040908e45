import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, Job, JobLine, type JobStep, toErrorPayload } from '#contract/index.js';
import type { EventBus } from '../events.js';
import { writeFileAtomic } from '../fs-atomic.js';

export interface StepContext {
  readonly jobId: string;
  readonly stepId: string;
  readonly params: Record<string, unknown>;
  readonly signal: AbortSignal;
  /** A line of output for the step's live log (kept on disk, survives failures). */
  line(text: string, stream?: JobLine['stream']): void;
  /** The step's latest real signal, shown beside it in the timeline. */
  message(text: string): void;
  /** An equivalent command a person could type (for "copy as commands"). */
  command(text: string): void;
}

export interface StepDefinition {
  id: string;
  title: string;
  /**
   * Steps that must be done (or skipped) before this one starts. Without it a step follows the
   * previous one, so a plain list runs in order; with it the steps form a DAG and independent
   * steps run at the same time.
   */
  dependsOn?: string[];
  run(ctx: StepContext): Promise<void>;
}

export interface JobDefinition {
  title: string;
  steps: StepDefinition[];
  /** How many steps may run at once (default: no limit beyond the dependencies). */
  concurrency?: number;
}

/** Rebuilds a job's steps from its saved params, so a job can resume after the app restarts. */
export type JobFactory = (params: Record<string, unknown>) => JobDefinition;

const FAILURE_TAIL = 30;

/**
 * Runs long operations as journalled jobs: named steps run in order, every state change is
 * written to <dataDir>/jobs/<id>.json and every output line appended to <id>.log, so a restarted
 * app shows what happened and resumes from the first unfinished step.
 */
export class JobRunner {
  readonly #dir: string;
  readonly #bus: EventBus;
  readonly #factories = new Map<string, JobFactory>();
  readonly #jobs = new Map<string, Job>();
  readonly #running = new Map<string, { controller: AbortController; done: Promise<Job> }>();
  readonly #logs = new Map<string, WriteStream>();
  /** Recent lines per job and step (parallel steps must not push each other's tail out). */
  readonly #recentLines = new Map<string, Map<string, JobLine[]>>();
  /** Journal writes per job, in order, so a slow older write never lands after a newer one. */
  readonly #saving = new Map<string, Promise<void>>();

  constructor(dataDir: string, bus: EventBus) {
    this.#dir = join(dataDir, 'jobs');
    this.#bus = bus;
  }

  register(kind: string, factory: JobFactory): void {
    this.#factories.set(kind, factory);
  }

  /** Loads the journal. Jobs that were running when the previous process died become `interrupted`. */
  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    for (const file of await readdir(this.#dir)) {
      if (!file.endsWith('.json')) continue;
      const parsed = Job.safeParse(JSON.parse(await readFile(join(this.#dir, file), 'utf8').catch(() => 'null')));
      if (!parsed.success) continue;
      const job = parsed.data;
      if (job.state === 'running') {
        job.state = 'interrupted';
        for (const step of job.steps) if (step.state === 'running') step.state = 'pending';
        await this.#save(job);
      }
      this.#jobs.set(job.id, job);
    }
  }

  list(): Job[] {
    return [...this.#jobs.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): Job {
    const job = this.#jobs.get(id);
    if (!job) throw new AppError('JOB_NOT_FOUND', `No job ${id}`, { hint: 'It may have been removed from the data folder.' });
    return job;
  }

  isRunning(id: string): boolean {
    return this.#running.has(id);
  }

  /** Starts a new job of a registered kind. Only one job per kind runs at a time. */
  async start(kind: string, params: Record<string, unknown> = {}): Promise<Job> {
    const factory = this.#factory(kind);
    const busy = this.list().find((job) => job.kind === kind && this.#running.has(job.id));
    if (busy) throw new AppError('JOB_BUSY', `"${busy.title}" is still running`, { hint: 'Wait for it or cancel it first.' });
    const definition = factory(params);
    checkDependencies(definition);
    const now = Date.now();
    const job: Job = {
      id: `${kind}-${now.toString(36)}-${randomBytes(3).toString('hex')}`,
      kind,
      title: definition.title,
      state: 'running',
      createdAt: now,
      updatedAt: now,
      params,
      steps: definition.steps.map((step) => ({ id: step.id, title: step.title, state: 'pending', commands: [] })),
    };
    this.#jobs.set(job.id, job);
    await this.#save(job);
    this.#launch(job, definition);
    return job;
  }

  /**
   * Runs an unfinished job again from its first step that is not done (after a failure, a cancel or
   * a restart). Steps are idempotent, so re-running the failed one is safe.
   */
  async resume(id: string, options: { skip?: string[] } = {}): Promise<Job> {
    const job = this.get(id);
    if (this.#running.has(id)) throw new AppError('JOB_BUSY', `${job.title} is already running`);
    if (job.state === 'succeeded') return job;
    const busy = this.list().find((other) => other.kind === job.kind && this.#running.has(other.id));
    if (busy) throw new AppError('JOB_BUSY', `"${busy.title}" is still running`, { hint: 'Wait for it or cancel it first.' });
    const definition = this.#factory(job.kind)(job.params);
    const ids = definition.steps.map((step) => step.id).join(',');
    if (ids !== job.steps.map((step) => step.id).join(',')) {
      throw new AppError('INVALID_REQUEST', `Job ${id} was made by another version of the app and cannot be resumed`, {
        hint: 'Start it again instead.',
      });
    }
    for (const stepId of options.skip ?? []) {
      const step = job.steps.find((candidate) => candidate.id === stepId);
      if (!step) throw new AppError('NOT_FOUND', `Job ${id} has no step "${stepId}"`);
      if (step.state === 'done') throw new AppError('INVALID_REQUEST', `Step "${step.title}" is already done`);
    }
    for (const step of job.steps) {
      if (options.skip?.includes(step.id)) {
        step.state = 'skipped';
        step.endedAt = Date.now();
      } else if (step.state !== 'done' && step.state !== 'skipped') {
        step.state = 'pending';
        delete step.endedAt;
      }
    }
    job.state = 'running';
    delete job.failure;
    await this.#save(job);
    this.#launch(job, definition);
    return job;
  }

  /** Requests cancellation; resolves once the running step has stopped. */
  async cancel(id: string): Promise<Job> {
    const job = this.get(id);
    const running = this.#running.get(id);
    if (!running) return job;
    running.controller.abort(new AppError('CANCELLED', 'Cancelled by the user'));
    return running.done;
  }

  /** Resolves when the job is no longer running. */
  async wait(id: string): Promise<Job> {
    return this.#running.get(id)?.done ?? this.get(id);
  }

  async lines(id: string, tail = 500): Promise<JobLine[]> {
    this.get(id);
    const text = await readFile(join(this.#dir, `${id}.log`), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .slice(-tail)
      .flatMap((raw) => {
        const parsed = JobLine.safeParse(JSON.parse(raw));
        return parsed.success ? [parsed.data] : [];
      });
  }

  async close(): Promise<void> {
    for (const id of this.#running.keys()) await this.cancel(id);
    await Promise.all([...this.#logs.values()].map((stream) => new Promise((resolve) => stream.end(resolve))));
    this.#logs.clear();
  }

  #factory(kind: string): JobFactory {
    const factory = this.#factories.get(kind);
    if (!factory) throw new AppError('INVALID_REQUEST', `Unknown job kind "${kind}"`);
    return factory;
  }

  #launch(job: Job, definition: JobDefinition): void {
    const controller = new AbortController();
    const done = this.#execute(job, definition, controller.signal).finally(() => this.#running.delete(job.id));
    this.#running.set(job.id, { controller, done });
  }

  async #execute(job: Job, definition: JobDefinition, signal: AbortSignal): Promise<Job> {
    const dependencies = dependencyMap(definition);
    const limit = definition.concurrency ?? Infinity;
    const running = new Map<string, Promise<void>>();
    let failed = false;
    const finished = (id: string) => {
      const state = job.steps.find((step) => step.id === id)?.state;
      return state === 'done' || state === 'skipped';
    };
    for (;;) {
      if (!failed && !signal.aborted) {
        for (const [index, stepDef] of definition.steps.entries()) {
          if (running.size >= limit) break;
          const step = job.steps[index]!;
          if (step.state !== 'pending' || running.has(step.id)) continue;
          if (!dependencies.get(step.id)!.every(finished)) continue;
          const run = this.#runStep(job, step, stepDef, signal).then((ok) => {
            running.delete(step.id);
            if (!ok) failed = true;
          });
          running.set(step.id, run);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    if (signal.aborted) return this.#finish(job, 'cancelled');
    if (failed) return this.#finish(job, 'failed');
    const unfinished = job.steps.filter((step) => step.state !== 'done' && step.state !== 'skipped');
    return this.#finish(job, unfinished.length ? 'failed' : 'succeeded');
  }

  /** Runs one step; false when it failed (or was cancelled). */
  async #runStep(job: Job, step: JobStep, stepDef: StepDefinition, signal: AbortSignal): Promise<boolean> {
    step.state = 'running';
    step.startedAt = Date.now();
    delete step.endedAt;
    delete step.message;
    await this.#changed(job);
    try {
      await stepDef.run(this.#context(job, step, signal));
      step.state = 'done';
      step.endedAt = Date.now();
      await this.#changed(job);
      return true;
    } catch (error) {
      step.endedAt = Date.now();
      if (signal.aborted) {
        step.state = 'cancelled';
        await this.#changed(job);
        return false;
      }
      step.state = 'failed';
      const payload = toErrorPayload(error);
      // The first failure is the one to explain; steps running beside it still finish.
      job.failure ??= {
        stepId: step.id,
        code: payload.code,
        message: payload.message,
        hint: payload.hint,
        detail: payload.detail,
        lastLines: (this.#recentLines.get(job.id)?.get(step.id) ?? []).slice(-FAILURE_TAIL).map((line) => line.text),
      };
      await this.#changed(job);
      return false;
    }
  }

  async #finish(job: Job, state: Job['state']): Promise<Job> {
    job.state = state;
    await this.#changed(job);
    this.#recentLines.delete(job.id);
    return job;
  }

  #context(job: Job, step: JobStep, signal: AbortSignal): StepContext {
    return {
      jobId: job.id,
      stepId: step.id,
      params: job.params,
      signal,
      line: (text, stream = 'info') => this.#line(job, step.id, text, stream),
      message: (text) => {
        step.message = text;
        job.updatedAt = Date.now();
        this.#bus.emit('job:changed', job);
      },
      command: (text) => {
        if (!step.commands.includes(text)) step.commands.push(text);
      },
    };
  }

  #line(job: Job, stepId: string, text: string, stream: JobLine['stream']): void {
    const line: JobLine = { jobId: job.id, stepId, at: Date.now(), stream, text };
    let log = this.#logs.get(job.id);
    if (!log) {
      log = createWriteStream(join(this.#dir, `${job.id}.log`), { flags: 'a' });
      this.#logs.set(job.id, log);
    }
    log.write(JSON.stringify(line) + '\n');
    const perStep = this.#recentLines.get(job.id) ?? new Map<string, JobLine[]>();
    const recent = perStep.get(stepId) ?? [];
    recent.push(line);
    if (recent.length > FAILURE_TAIL * 2) recent.splice(0, recent.length - FAILURE_TAIL * 2);
    perStep.set(stepId, recent);
    this.#recentLines.set(job.id, perStep);
    this.#bus.emit('job:line', line);
  }

  async #changed(job: Job): Promise<void> {
    job.updatedAt = Date.now();
    await this.#save(job);
    this.#bus.emit('job:changed', job);
  }

  async #save(job: Job): Promise<void> {
    // Serialised per job, and the content taken when the write starts: the file always ends with the latest state.
    const previous = this.#saving.get(job.id) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => writeFileAtomic(join(this.#dir, `${job.id}.json`), JSON.stringify(job, null, 2)));
    this.#saving.set(job.id, next);
    try {
      await next;
    } finally {
      if (this.#saving.get(job.id) === next) this.#saving.delete(job.id);
    }
  }
}

function dependencyMap(definition: JobDefinition): Map<string, string[]> {
  return new Map(definition.steps.map((step, index) => [step.id, step.dependsOn ?? (index > 0 ? [definition.steps[index - 1]!.id] : [])]));
}

/** Unknown or circular dependencies are programming errors: refuse the job before it starts. */
function checkDependencies(definition: JobDefinition): void {
  const dependencies = dependencyMap(definition);
  for (const [id, deps] of dependencies) {
    const unknown = deps.filter((dep) => !dependencies.has(dep));
    if (unknown.length) throw new AppError('INTERNAL', `Step ${id} depends on unknown step(s) ${unknown.join(', ')}`);
  }
  const done = new Set<string>();
  while (done.size < dependencies.size) {
    const ready = [...dependencies].filter(([id, deps]) => !done.has(id) && deps.every((dep) => done.has(dep)));
    if (ready.length === 0)
      throw new AppError('INTERNAL', `Steps ${[...dependencies.keys()].filter((id) => !done.has(id)).join(', ')} depend on each other`);
    for (const [id] of ready) done.add(id);
  }
}
