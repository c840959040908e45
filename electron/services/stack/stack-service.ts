// The stack capability: preflight, install (`stack-up` job), uninstall/delete (`stack-down` job),
// status of what is installed, dev secrets, ETAs. Jobs run in the JobRunner (journalled, resumable,
// cancellable); this service builds their steps from params and keeps one stack job per data folder.
import { basename, resolve } from 'node:path';
import { formatBytes, formatCpu } from '#contract/format.js';
import { AppError, type Job, type Request, toErrorPayload } from '#contract/index.js';
import type { PreflightReport, ProfilesReport, StackStatus, StackTarget, StepInfo } from '#contract/stack.js';
import { DEFAULT_CLUSTER, UpRequest, stackChannels } from '#contract/stack.js';
import type { BackendContext } from '../../domain.js';
import { kubeconfigFiles, listContexts } from '../kube/kubeconfig.js';
import { acceptCharts, installedCharts } from './chart-trust.js';
import { helmList } from './helm.js';
import { StackLock } from './lock.js';
import {
  type PlanRelease,
  type StackPlan,
  type TenantValues,
  chartsDirFor,
  fill,
  neededOperators,
  planProfile,
  planTimeout,
  readPlan,
  readUserValues,
  selectReleases,
} from './plan.js';
import { type Requests, blockingChecks, runPreflight } from './preflight.js';
import { type Totals, addTotals, operatorTotals, sumResources } from './requests.js';
import { DevSecretsStore, describeSecrets } from './secrets.js';
import { tenantNamespace } from './services.js';
import { observeStack, unobserved } from './stack-status.js';
import { clusterCapacity, installValues, preflightLines, preflightProbes, renderRelease, runtimeInfo } from './stack-preflight.js';
import { type RealityScope, installImages, stackReality, withReality } from './stack-reality.js';
import { chartsCheck } from './steps/chart-checks.js';
import { upSteps } from './steps/graph.js';
import { type DownParams, type StepEnv, type StepSpec, type UpParams, stepCommands } from './steps/step.js';
import { downSteps } from './steps/uninstall.js';
import { type ResolvedTarget, currentTarget, kindTarget, kubeConfigFor, managedKubeconfig, sameTarget } from './target.js';
import { TEST_HOOKS, standInsAllowed } from './test-hooks.js';
import { StepTimings } from './timings.js';

export const UP_JOB = 'stack-up';
export const DOWN_JOB = 'stack-down';
const UNFINISHED = new Set(['failed', 'cancelled', 'interrupted']);
/** Renders kept (one per release and values): every profile with a few toggle and values choices. */
const RENDERS_KEPT = 64;

/** What an install would put on the cluster: its releases, the profile whose values they get, the user's values. */
interface Measured {
  /** Absent in jobs journalled before profiles: no profile values. */
  profile?: string;
  releases: string[];
  user: TenantValues;
}

export class StackService {
  readonly ctx: BackendContext;
  readonly plan: StackPlan;
  readonly chartsDir: string;
  readonly secrets: DevSecretsStore;
  readonly timings: StepTimings;
  readonly #lock: StackLock;
  readonly #env: StepEnv;
  readonly #renders = new Map<string, Promise<string>>();

  constructor(ctx: BackendContext) {
    this.ctx = ctx;
    this.plan = readPlan(ctx.appRoot);
    this.chartsDir = chartsDirFor(ctx.appRoot, ctx.env);
    this.secrets = new DevSecretsStore(ctx.dataDir);
    this.timings = new StepTimings(ctx.dataDir);
    this.#lock = new StackLock(ctx.dataDir);
    this.#env = {
      ctx,
      plan: this.plan,
      chartsDir: this.chartsDir,
      secrets: this.secrets,
      operatorRepo: ctx.env[TEST_HOOKS.operatorChartRepo] || undefined,
      standIns: standInsAllowed(ctx.env),
      pullStallMs: Number(ctx.env[TEST_HOOKS.pullStallMs]) || undefined,
      preflight: async (params, ignore) => {
        const measured = { profile: params.profile, releases: params.releases, user: await readUserValues(params) };
        const report = await this.#runPreflight(params.target, params.tenant, ignore, measured);
        return { ok: report.ok, lines: preflightLines(report, ignore), report };
      },
      images: async (params) => {
        const measured = { profile: params.profile, releases: params.releases, user: await readUserValues(params) };
        const rendered = await this.#rendered(params.tenant, measured);
        return installImages(ctx, { rendered, operators: neededOperators(this.plan, params.releases) });
      },
    };
    ctx.jobs.register(UP_JOB, (params) => this.#definition('up', params as unknown as UpParams));
    ctx.jobs.register(DOWN_JOB, (params) => this.#definition('down', params as unknown as DownParams));
  }

  #specs(which: 'up' | 'down', params: UpParams | DownParams): StepSpec[] {
    return which === 'up' ? upSteps(this.#env, params as UpParams) : downSteps(this.#env, params as DownParams);
  }

  #definition(which: 'up' | 'down', params: UpParams | DownParams) {
    const specs = this.#specs(which, params);
    const title =
      which === 'up'
        ? `Install ${params.tenant}`
        : (params as DownParams).deleteCluster
          ? `Delete cluster ${(params.target as { cluster?: string }).cluster ?? params.target.context}`
          : `Uninstall ${params.tenant}`;
    return {
      title,
      concurrency: 4,
      steps: specs.map((spec) => ({
        id: spec.id,
        title: spec.title,
        dependsOn: spec.dependsOn,
        run: async (s: Parameters<StepSpec['run']>[0]) => {
          const started = Date.now();
          await spec.run(s);
          await this.timings.record(`${which}:${spec.id}`, Date.now() - started).catch(() => undefined);
        },
      })),
    };
  }

  /** Step metadata for the timeline: dependencies, skip safety, commands and ETA. */
  stepInfo(job: Job): StepInfo[] {
    const which = job.kind === UP_JOB ? 'up' : 'down';
    try {
      return this.#specs(which, job.params as unknown as UpParams | DownParams).map((spec) => ({
        id: spec.id,
        title: spec.title,
        kind: spec.kind,
        dependsOn: spec.dependsOn,
        skippable: spec.skippable,
        commands: stepCommands(spec),
        etaMs: this.timings.eta(`${which}:${spec.id}`),
      }));
    } catch {
      return [];
    }
  }

  // -------------------------------------------------------------------------------------------
  // Targets

  /** What the app points at now (Settings, or the CLI's --kubeconfig/--context). */
  currentTarget(): ResolvedTarget {
    return currentTarget(this.ctx.kubeTarget(), this.ctx.env, this.ctx.dataDir);
  }

  resolveTarget(input: StackTarget): ResolvedTarget {
    if (input.mode === 'kind') return kindTarget(this.ctx.dataDir, input.cluster);
    const kt = this.ctx.kubeTarget();
    const kubeconfig = input.kubeconfig ?? kt.kubeconfig;
    const files = kubeconfigFiles({ kubeconfig }, this.ctx.env).map((file) => resolve(file));
    const context = input.context ?? kt.context ?? listContexts({ kubeconfig }, this.ctx.env).current;
    if (!context)
      throw new AppError('KUBE_CONFIG_INVALID', 'No context to install into', {
        hint: 'Pass --context, or choose one in the context switcher.',
      });
    const target: ResolvedTarget = { mode: 'existing', kubeconfig: files, context };
    kubeConfigFor(target, this.ctx.env); // throws KUBE_CONFIG_INVALID for an unknown context
    return target;
  }

  // -------------------------------------------------------------------------------------------
  // Preflight

  async preflight(input: Request<'stack:preflight'>): Promise<PreflightReport> {
    const request = stackChannels['stack:preflight'].request.parse(input);
    const target = this.resolveTarget(request.target ?? { mode: 'kind', cluster: DEFAULT_CLUSTER });
    const user = await readUserValues(request);
    const releases = selectReleases(this.plan, request, user).map((release) => release.name);
    const tenant = request.tenant ?? this.ctx.tenant();
    const measured = { profile: request.profile, releases, user };
    if (!request.reality) return this.#runPreflight(target, tenant, [], measured);
    const [report, reality] = await Promise.all([
      this.#runPreflight(target, tenant, [], measured),
      this.#reality(tenant, measured).catch((error: Error) => error),
    ]);
    return withReality(report, reality);
  }

  /** The images and operator charts this install would pull, asked of their registries; progress as `stack:realityProgress`. */
  async #reality(tenant: string, measured: Measured) {
    const rendered = await this.#rendered(tenant, measured);
    const operators = neededOperators(this.plan, measured.releases);
    return stackReality(this.ctx, { rendered, operators, operatorRepo: this.#env.operatorRepo }, (progress) =>
      this.ctx.bus.emit('stack:realityProgress', progress),
    );
  }

  /** Each release the install would create, rendered by helm with the values it gets. */
  #rendered(tenant: string, measured: Measured): Promise<RealityScope['rendered']> {
    return Promise.all(
      this.#installed(tenant, measured).map(async ({ release, values }) => ({
        name: release.name,
        chart: basename(release.chart),
        manifest: await this.#render(tenant, release, values),
      })),
    );
  }

  /** The releases an install would create, each with the values it gets. */
  #installed(tenant: string, measured: Measured): Array<{ release: PlanRelease; values: Record<string, unknown> }> {
    const profile = measured.profile ? planProfile(this.plan, measured.profile).values : {};
    return this.plan.tenant.releases
      .filter((release) => measured.releases.includes(release.name))
      .map((release) => ({ release, values: installValues(release, tenant, profile, measured.user, this.ctx.settings.current.mirrors) }));
  }

  /** The machine's checks and the charts check, as the install's preflight step and the standalone preflight run them. */
  async #runPreflight(target: ResolvedTarget, tenant: string, ignore: string[], measured: Measured): Promise<PreflightReport> {
    const [report, charts] = await Promise.all([
      runPreflight(
        preflightProbes(this.ctx, target, () => this.#requests(tenant, measured)),
        ignore,
      ),
      chartsCheck(this.#env, measured),
    ]);
    const checks = [...report.checks, charts];
    return { ...report, ok: blockingChecks(checks, ignore).length === 0, checks };
  }

  /** The resource check's numbers: the requests of what will be installed, with its limits in the reason. */
  async #requests(tenant: string, measured: Measured): Promise<Requests> {
    const { requests, limits } = await this.#measure(tenant, measured);
    const operators = neededOperators(this.plan, measured.releases).length;
    const profile = measured.profile ? `the ${measured.profile} profile's ` : '';
    return {
      ...requests,
      source: `${profile}${measured.releases.length} releases rendered by helm with the install's values and ${operators} operators; their limits come to ${formatCpu(limits.cpuMillis)} CPU and ${formatBytes(limits.memoryBytes)}`,
    };
  }

  /** Requests and limits of what an install would put on the cluster: each release rendered by helm, plus its operators. */
  async #measure(tenant: string, measured: Measured): Promise<Totals> {
    const operators = neededOperators(this.plan, measured.releases).map((operator) => operator.name);
    const manifests = await Promise.all(
      this.#installed(tenant, measured).map(({ release, values }) => this.#render(tenant, release, values)),
    );
    return manifests.reduce((sum, manifest) => addTotals(sum, sumResources([manifest])), operatorTotals(operators));
  }

  /** helm template of one release, once per values: toggling a profile part renders only that part. */
  #render(tenant: string, release: PlanRelease, values: Record<string, unknown>): Promise<string> {
    const key = JSON.stringify([release.name, tenant, values]);
    let manifest = this.#renders.get(key);
    if (!manifest) {
      manifest = renderRelease(this.ctx, this.chartsDir, tenant, release, values);
      manifest.catch(() => this.#renders.delete(key));
      this.#renders.set(key, manifest);
      if (this.#renders.size > RENDERS_KEPT) this.#renders.delete(this.#renders.keys().next().value!);
    }
    return manifest;
  }

  // -------------------------------------------------------------------------------------------
  // Profiles

  /** Every profile with the toggles asked for, what it would install and ask for, and the capacity to compare with. */
  async profiles(input: Request<'stack:profiles'>): Promise<ProfilesReport> {
    const request = stackChannels['stack:profiles'].request.parse(input);
    const target = this.resolveTarget(request.target ?? { mode: 'kind', cluster: DEFAULT_CLUSTER });
    const tenant = request.tenant ?? this.ctx.tenant();
    const user = await readUserValues(request);
    const [capacity, profiles] = await Promise.all([
      this.#capacity(target),
      Promise.all(
        this.plan.profiles.map(async (profile) => {
          const toggles = profile.toggles.filter((toggle) => request.toggles.includes(toggle.name));
          const releases = selectReleases(this.plan, { profile: profile.name, toggles: toggles.map((toggle) => toggle.name) }, user).map(
            (release) => release.name,
          );
          const info = {
            name: profile.name,
            title: profile.title,
            description: profile.description,
            toggles: profile.toggles.map((toggle) => ({ ...toggle, on: toggles.includes(toggle) })),
            releases,
            operators: neededOperators(this.plan, releases).map((operator) => operator.name),
          };
          try {
            return { ...info, ...(await this.#measure(tenant, { profile: profile.name, releases, user })) };
          } catch (error) {
            return { ...info, requests: null, limits: null, unlimited: 0, error: toErrorPayload(error) };
          }
        }),
      ),
    ]);
    return { capacity, profiles };
  }

  /** What the stack may use: the container runtime kind runs in, or an existing cluster's allocatable. */
  async #capacity(target: ResolvedTarget): Promise<ProfilesReport['capacity']> {
    if (target.mode === 'existing') {
      const capacity = await clusterCapacity(this.ctx, target).catch(() => null);
      return capacity && { source: `${target.context} (${capacity.nodes} node${capacity.nodes === 1 ? '' : 's'})`, ...capacity };
    }
    const runtime = await runtimeInfo(this.ctx).catch(() => null);
    return runtime && { source: runtime.name, cpuMillis: runtime.cpus * 1000, memoryBytes: runtime.memoryBytes };
  }

  // -------------------------------------------------------------------------------------------
  // Jobs

  #stackJobs(tenant?: string): Job[] {
    return this.ctx.jobs
      .list()
      .filter((job) => (job.kind === UP_JOB || job.kind === DOWN_JOB) && (tenant === undefined || job.params.tenant === tenant));
  }

  #assertIdle(): void {
    const running = this.#stackJobs().find((job) => this.ctx.jobs.isRunning(job.id));
    if (running) throw new AppError('JOB_BUSY', `"${running.title}" is still running`, { hint: 'Wait for it, or cancel it first.' });
    const elsewhere = this.#lock.heldElsewhere();
    if (elsewhere)
      throw new AppError('JOB_BUSY', `Another LogClaw process (pid ${elsewhere.pid}) is running a stack job`, {
        hint: 'Wait for it (`logclaw status`), or stop that process first.',
      });
  }

  #track(job: Job): void {
    // Released only once written: a job with nothing left to run can finish before the write lands.
    const taken = this.#lock.take(job.id).catch(() => undefined);
    void Promise.all([this.ctx.jobs.wait(job.id), taken]).then(([done]) => {
      this.#lock.release(job.id);
      this.ctx.bus.emit('stack:changed', { tenant: String(done.params.tenant), reason: `${done.title}: ${done.state}` });
    });
  }

  /** kind's node provider: Podman when Docker is not usable and Podman is. */
  async #kindProvider(): Promise<Pick<UpParams, 'kindProvider'>> {
    const [docker, podman] = await this.ctx.tools.detect(['docker', 'podman']);
    return !docker?.ok && podman?.ok ? { kindProvider: 'podman' } : {};
  }

  /** Starts an install, or resumes the tenant's unfinished one when it was for the same target and values. */
  async up(input: UpRequest): Promise<Job> {
    return this.startUp(await this.upParams(input));
  }

  /** The install's params from a request: target resolved, values read, releases chosen. */
  async upParams(input: UpRequest): Promise<UpParams> {
    const request = UpRequest.parse(input);
    // Recorded in the data folder before the job starts, so a resumed install sees it too.
    await acceptCharts(this.ctx.dataDir, installedCharts(this.plan, this.chartsDir), request.acceptCharts);
    const tenant = request.tenant ?? this.ctx.tenant();
    const target = this.resolveTarget(request.target);
    const values = await readUserValues(request);
    const params: UpParams = {
      tenant,
      storageClass: request.storageClass,
      target,
      ...(target.mode === 'kind' ? await this.#kindProvider() : {}),
      ...(request.valuesFile ? { valuesFile: resolve(request.valuesFile) } : {}),
      ...(request.overrides ? { overrides: request.overrides } : {}),
      timeout: request.timeout ?? planTimeout(this.plan),
      ignorePreflight: request.ignorePreflight,
      profile: request.profile,
      releases: selectReleases(this.plan, request, values).map((release: PlanRelease) => release.name),
      schedule: 'dag',
    };
    return params;
  }

  /** Starts (or resumes) an install with fully resolved params (the benchmark uses the serial schedule). */
  async startUp(params: UpParams): Promise<Job> {
    this.#assertIdle();
    const previous = this.#stackJobs(params.tenant)[0];
    if (previous?.kind === UP_JOB && UNFINISHED.has(previous.state) && this.#compatible(previous, params)) return this.resume(previous.id);
    const job = await this.ctx.jobs.start(UP_JOB, params as unknown as Record<string, unknown>);
    this.#track(job);
    return job;
  }

  #compatible(job: Job, params: UpParams): boolean {
    const old = job.params as unknown as UpParams;
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    if (!sameTarget(old.target, params.target)) return false;
    if (
      !same(old.storageClass, params.storageClass) ||
      !same(old.valuesFile, params.valuesFile) ||
      !same(old.overrides, params.overrides) ||
      !same(old.timeout, params.timeout)
    )
      return false;
    if (!same(old.profile, params.profile) || !same(old.releases, params.releases) || !same(old.schedule, params.schedule)) return false;
    // A changed --ignore-preflight only matters while preflight has not passed: then start afresh.
    const preflight = job.steps.find((step) => step.id === 'preflight');
    return same(old.ignorePreflight, params.ignorePreflight) || preflight?.state === 'done' || preflight?.state === 'skipped';
  }

  async resume(id: string, skip: string[] = []): Promise<Job> {
    const job = this.ctx.jobs.get(id);
    if (job.kind !== UP_JOB && job.kind !== DOWN_JOB) throw new AppError('INVALID_REQUEST', `${job.title} is not a stack job`);
    const info = this.stepInfo(job);
    for (const stepId of skip) {
      const step = info.find((candidate) => candidate.id === stepId);
      if (!step) throw new AppError('NOT_FOUND', `No step "${stepId}" in ${job.title}`);
      if (!step.skippable) {
        const dependents = info.filter((other) => other.dependsOn.includes(stepId)).map((other) => other.title);
        throw new AppError('INVALID_REQUEST', `"${step.title}" cannot be skipped`, {
          hint: dependents.length
            ? `${dependents.join(', ')} need${dependents.length === 1 ? 's' : ''} it.`
            : 'The stack does not work without it.',
        });
      }
    }
    this.#assertIdle();
    const resumed = await this.ctx.jobs.resume(id, { skip });
    this.#track(resumed);
    return resumed;
  }

  async down(input: { tenant?: string; deleteCluster: boolean; confirm: string; cluster?: string }): Promise<Job> {
    const tenant = input.tenant ?? this.ctx.tenant();
    this.#assertIdle();
    if (input.deleteCluster) {
      const current = input.cluster ? null : this.currentTarget();
      const cluster = input.cluster ?? (current?.mode === 'kind' ? current.cluster : undefined);
      if (!cluster) {
        throw new AppError('INVALID_REQUEST', `The current context ${current?.context ?? ''} is not a kind cluster the app created`, {
          hint: "Delete clusters the app did not create with their own tools (kind delete cluster, your provider's console).",
        });
      }
      if (input.confirm !== cluster) throw new AppError('INVALID_REQUEST', `Type the cluster name "${cluster}" to confirm deleting it`);
      const params: DownParams = {
        tenant,
        target: kindTarget(this.ctx.dataDir, cluster),
        ...(await this.#kindProvider()),
        deleteCluster: true,
        installed: [],
        timeout: planTimeout(this.plan),
      };
      const job = await this.ctx.jobs.start(DOWN_JOB, params as unknown as Record<string, unknown>);
      this.#track(job);
      return job;
    }
    if (input.confirm !== tenant) throw new AppError('INVALID_REQUEST', `Type the tenant id "${tenant}" to confirm uninstalling it`);
    const target = this.currentTarget();
    const found = await helmList((name, args, options) => this.ctx.tools.run(name, args, options), target, tenantNamespace(tenant));
    const installed = this.plan.tenant.releases
      .map((release) => ({ name: release.name, release: fill(release.release, tenant) }))
      .filter((entry) => found.some((release) => release.name === entry.release));
    const params: DownParams = { tenant, target, deleteCluster: false, installed, timeout: planTimeout(this.plan) };
    const job = await this.ctx.jobs.start(DOWN_JOB, params as unknown as Record<string, unknown>);
    this.#track(job);
    return job;
  }

  /** After a restart of the window: an install that was interrupted goes on by itself. */
  async resumeInterrupted(): Promise<Job | null> {
    const job = this.#stackJobs().find((candidate) => candidate.kind === UP_JOB && candidate.state === 'interrupted');
    if (!job || this.#lock.heldElsewhere()) return null;
    return this.resume(job.id);
  }

  // -------------------------------------------------------------------------------------------
  // Status

  async status(tenantInput?: string): Promise<StackStatus> {
    const tenant = tenantInput ?? this.ctx.tenant();
    const job = this.#stackJobs(tenant)[0] ?? null;
    const elsewhere = this.#lock.heldElsewhere();
    const known = {
      tenant,
      namespace: tenantNamespace(tenant),
      job,
      steps: job ? this.stepInfo(job) : [],
      runningElsewhere: elsewhere && job && elsewhere.jobId === job.id ? elsewhere.pid : null,
      checkedAt: Date.now(),
    };
    let target: ResolvedTarget;
    try {
      target = this.currentTarget();
    } catch (error) {
      return {
        ...known,
        target: { context: null, kubeconfig: [], managed: false, cluster: null },
        ...unobserved(this.plan, tenant),
        error: toErrorPayload(error),
      };
    }
    return {
      ...known,
      target: {
        context: target.context,
        kubeconfig: target.kubeconfig,
        managed: target.mode === 'kind',
        cluster: target.mode === 'kind' ? target.cluster : null,
      },
      ...(await observeStack(this.ctx, this.plan, tenant, target)),
    };
  }

  async devSecrets(tenantInput?: string) {
    const tenant = tenantInput ?? this.ctx.tenant();
    const secrets = await this.secrets.read(tenant);
    return { tenant, secrets: secrets ? describeSecrets(tenant, secrets) : [] };
  }

  async clusters() {
    const managed = managedKubeconfig(this.ctx.dataDir);
    const kind = await this.ctx.tools.resolve('kind');
    if (!kind) return { kindAvailable: false, clusters: [], managedKubeconfig: managed };
    const result = await this.ctx.tools.run('kind', ['get', 'clusters'], { timeoutMs: 15_000 }).catch(() => ({ stdout: '' }));
    return {
      kindAvailable: true,
      clusters: result.stdout
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
      managedKubeconfig: managed,
    };
  }
}
