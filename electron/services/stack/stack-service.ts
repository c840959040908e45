// The stack capability: preflight, install (`stack-up` job), uninstall/delete (`stack-down` job),
// status of what is installed, dev secrets, ETAs. Jobs run in the JobRunner (journalled, resumable,
// cancellable); this service builds their steps from params and keeps one stack job per data folder.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { AppError, type Job, toErrorPayload } from '../../contract/index.js';
import type { PreflightReport, StackStatus, StackTarget, StepInfo } from '../../contract/stack.js';
import { UpRequest } from '../../contract/stack.js';
import type { BackendContext } from '../../domain.js';
import { kubeconfigFiles, listContexts } from '../kube/kubeconfig.js';
import { isPortFree, portOwner } from '../net/ports.js';
import { type HelmRelease, helmList, releaseInfo } from './helm.js';
import { StackLock } from './lock.js';
import { type PlanRelease, type StackPlan, chartPath, fill, parseTenantValues, planTimeout, readPlan, selectReleases } from './plan.js';
import { type PreflightProbes, type RuntimeInfo, freeDiskBytes, readProcFile, runPreflight } from './preflight.js';
import { parseBytes, parseCpu } from './quantity.js';
import { isPodReady, podReasons } from './readiness.js';
import { totalRequests } from './requests.js';
import { DevSecretsStore, describeSecrets } from './secrets.js';
import { type DownParams, type StepEnv, type StepSpec, type UpParams, downSteps, namespaceOf, upSteps } from './steps.js';
import { type ResolvedTarget, kindTarget, kubeConfigFor, managedKubeconfig, sameTarget } from './target.js';
import { StepTimings } from './timings.js';

export const UP_JOB = 'stack-up';
export const DOWN_JOB = 'stack-down';
const UNFINISHED = new Set(['failed', 'cancelled', 'interrupted']);
const SYMBOL = { pass: '✓', warn: '!', fail: '✗', skip: '–' } as const;

export class StackService {
  readonly ctx: BackendContext;
  readonly plan: StackPlan;
  readonly chartsDir: string;
  readonly secrets: DevSecretsStore;
  readonly timings: StepTimings;
  readonly #lock: StackLock;
  readonly #env: StepEnv;
  #requests: Promise<{ cpuMillis: number; memoryBytes: number; source: string }> | undefined;

  constructor(ctx: BackendContext) {
    this.ctx = ctx;
    this.plan = readPlan(ctx.appRoot);
    this.chartsDir = ctx.env.LOGCLAW_CHARTS_DIR ? resolve(ctx.env.LOGCLAW_CHARTS_DIR) : join(ctx.appRoot, 'charts');
    this.secrets = new DevSecretsStore(ctx.dataDir);
    this.timings = new StepTimings(ctx.dataDir);
    this.#lock = new StackLock(ctx.dataDir);
    this.#env = {
      ctx,
      plan: this.plan,
      chartsDir: this.chartsDir,
      secrets: this.secrets,
      operatorRepo: ctx.env.LOGCLAW_OPERATOR_CHART_REPO || undefined,
      strimziCrdsUrl: (version) => ctx.env.LOGCLAW_STRIMZI_CRDS_URL || `https://github.com/strimzi/strimzi-kafka-operator/releases/download/${version}/strimzi-crds-${version}.yaml`,
      preflight: async (params, ignore) => {
        const report = await this.#runPreflight(params.target, params.tenant, ignore);
        const ignored = new Set(ignore);
        const lines = report.checks.map((check) => {
          const accepted = check.status === 'fail' && (ignored.has(check.id) || ignored.has('all')) ? ' (accepted: --ignore-preflight)' : '';
          return `${SYMBOL[check.status]} ${check.title}: ${check.reason}${accepted}${check.fix && check.status !== 'pass' ? `\n    fix: ${check.fix}` : ''}`;
        });
        return { ok: report.ok, lines, report };
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
        commands: spec.commands,
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
    const kt = this.ctx.kubeTarget();
    const files = kubeconfigFiles(kt, this.ctx.env).map((file) => resolve(file));
    const { current } = listContexts(kt, this.ctx.env);
    if (!current) throw new AppError('KUBE_CONFIG_INVALID', 'No current context is set', { hint: 'Create a cluster from the Stack pane, or pick a context.' });
    const managed = managedKubeconfig(this.ctx.dataDir);
    if (files.length === 1 && files[0] === managed && current.startsWith('kind-')) return kindTarget(this.ctx.dataDir, current.slice('kind-'.length));
    return { mode: 'existing', kubeconfig: files, context: current, explicitKubeconfig: Boolean(kt.kubeconfig) };
  }

  resolveTarget(input: StackTarget): ResolvedTarget {
    if (input.mode === 'kind') return kindTarget(this.ctx.dataDir, input.cluster);
    const kt = this.ctx.kubeTarget();
    const kubeconfig = input.kubeconfig ?? kt.kubeconfig;
    const files = kubeconfigFiles({ kubeconfig }, this.ctx.env).map((file) => resolve(file));
    const context = input.context ?? kt.context ?? listContexts({ kubeconfig }, this.ctx.env).current;
    if (!context) throw new AppError('KUBE_CONFIG_INVALID', 'No context to install into', { hint: 'Pass --context, or choose one in the context switcher.' });
    const target: ResolvedTarget = { mode: 'existing', kubeconfig: files, context, explicitKubeconfig: Boolean(kubeconfig) };
    kubeConfigFor(target, this.ctx.env); // throws KUBE_CONFIG_INVALID for an unknown context
    return target;
  }

  // -------------------------------------------------------------------------------------------
  // Preflight

  async preflight(input: { target?: StackTarget; tenant?: string }): Promise<PreflightReport> {
    const target = this.resolveTarget(input.target ?? { mode: 'kind', cluster: 'logclaw-dev' });
    return this.#runPreflight(target, input.tenant ?? this.ctx.tenant(), []);
  }

  #runPreflight(target: ResolvedTarget, tenant: string, ignore: string[]): Promise<PreflightReport> {
    return runPreflight(this.#probes(target, tenant), ignore);
  }

  #probes(target: ResolvedTarget, tenant: string): PreflightProbes {
    const { tools } = this.ctx;
    return {
      platform: process.platform,
      mode: target.mode,
      tools: () => tools.detect(target.mode === 'kind' ? ['docker', 'podman', 'kind', 'helm', 'kubectl'] : ['helm', 'kubectl']),
      runtime: () => this.#runtimeInfo(),
      clusterCapacity: async () => {
        const nodes = await kubeConfigFor(target, this.ctx.env).makeApiClient(CoreV1Api).listNode();
        return nodes.items.reduce(
          (acc, node) => ({ cpuMillis: acc.cpuMillis + parseCpu(node.status?.allocatable?.cpu), memoryBytes: acc.memoryBytes + parseBytes(node.status?.allocatable?.memory), nodes: acc.nodes + 1 }),
          { cpuMillis: 0, memoryBytes: 0, nodes: 0 },
        );
      },
      requests: () => (this.#requests ??= this.#renderRequests(tenant).catch((error) => ((this.#requests = undefined), Promise.reject(error)))),
      readProc: readProcFile,
      freeDisk: freeDiskBytes,
      diskPath: this.ctx.dataDir,
      ports: async () =>
        Promise.all(
          this.ctx.forwards.specs().filter((spec) => !spec.custom).map(async (spec) => {
            const free = await isPortFree(spec.localPort);
            const owner = free ? null : await portOwner(spec.localPort).catch(() => null);
            return { port: spec.localPort, title: spec.title, free, owner: owner ? `${owner.command.split(' ')[0]} (pid ${owner.pid})` : undefined };
          }),
        ),
    };
  }

  async #runtimeInfo(): Promise<RuntimeInfo | null> {
    const reports = await this.ctx.tools.detect(['docker', 'podman']);
    const usable = reports.find((report) => report.ok && report.daemon?.reachable);
    if (!usable) return null;
    if (usable.name === 'docker') {
      const { stdout } = await this.ctx.tools.run('docker', ['info', '--format', '{{json .}}'], { timeoutMs: 10_000 });
      const info = JSON.parse(stdout) as { MemTotal?: number; NCPU?: number; DockerRootDir?: string };
      return { name: 'docker', memoryBytes: info.MemTotal ?? 0, cpus: info.NCPU ?? 0, rootDir: info.DockerRootDir };
    }
    const { stdout } = await this.ctx.tools.run('podman', ['info', '--format', 'json'], { timeoutMs: 10_000 });
    const info = JSON.parse(stdout) as { host?: { memTotal?: number; cpus?: number }; store?: { graphRoot?: string } };
    return { name: 'podman', memoryBytes: info.host?.memTotal ?? 0, cpus: info.host?.cpus ?? 0, rootDir: info.store?.graphRoot };
  }

  /** helm template of every local release, summed (cached for the process). */
  async #renderRequests(tenant: string) {
    const releases = selectReleases(this.plan, {});
    const manifests = await Promise.all(
      releases.map(async (release) => {
        const args = ['template', fill(release.release, tenant), chartPath(this.chartsDir, release.chart), '--namespace', namespaceOf(tenant), ...release.values.local.flatMap((file) => ['-f', chartPath(this.chartsDir, file)]), '--set', `global.tenantId=${tenant}`];
        return (await this.ctx.tools.run('helm', args, { timeoutMs: 60_000 })).stdout;
      }),
    );
    return totalRequests(manifests);
  }

  // -------------------------------------------------------------------------------------------
  // Jobs

  #stackJobs(tenant?: string): Job[] {
    return this.ctx.jobs.list().filter((job) => (job.kind === UP_JOB || job.kind === DOWN_JOB) && (tenant === undefined || job.params.tenant === tenant));
  }

  #assertIdle(): void {
    const running = this.#stackJobs().find((job) => this.ctx.jobs.isRunning(job.id));
    if (running) throw new AppError('JOB_BUSY', `"${running.title}" is still running`, { hint: 'Wait for it, or cancel it first.' });
    const elsewhere = this.#lock.heldElsewhere();
    if (elsewhere) throw new AppError('JOB_BUSY', `Another LogClaw process (pid ${elsewhere.pid}) is running a stack job`, { hint: 'Wait for it (`logclaw status`), or stop that process first.' });
  }

  #track(job: Job): void {
    // Released only once written: a job with nothing left to run can finish before the write lands.
    const taken = this.#lock.take(job.id).catch(() => undefined);
    void Promise.all([this.ctx.jobs.wait(job.id), taken]).then(([done]) => {
      this.#lock.release(job.id);
      this.ctx.bus.emit('stack:changed', { tenant: String(done.params.tenant), reason: `${done.title}: ${done.state}` });
    });
  }

  /** Starts an install, or resumes the tenant's unfinished one when it was for the same target and values. */
  async up(input: UpRequest): Promise<Job> {
    return this.startUp(await this.upParams(input));
  }

  /** The install's params from a request: target resolved, values read, releases chosen. */
  async upParams(input: UpRequest): Promise<UpParams> {
    const request = UpRequest.parse(input);
    const tenant = request.tenant ?? this.ctx.tenant();
    const target = this.resolveTarget(request.target);
    let values = parseTenantValues(request.overrides, 'the overrides');
    if (request.valuesFile) {
      const text = await readFile(request.valuesFile, 'utf8').catch((error: Error) => {
        throw new AppError('INVALID_REQUEST', `Cannot read the values file ${request.valuesFile}: ${error.message}`);
      });
      values = { ...parseTenantValues(text, request.valuesFile), ...values };
    }
    const params: UpParams = {
      tenant,
      storageClass: request.storageClass,
      target,
      ...(request.valuesFile ? { valuesFile: resolve(request.valuesFile) } : {}),
      ...(request.overrides ? { overrides: request.overrides } : {}),
      timeout: request.timeout ?? planTimeout(this.plan),
      ignorePreflight: request.ignorePreflight,
      releases: selectReleases(this.plan, values).map((release: PlanRelease) => release.name),
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
    if (!same(old.storageClass, params.storageClass) || !same(old.valuesFile, params.valuesFile) || !same(old.overrides, params.overrides) || !same(old.timeout, params.timeout)) return false;
    if (!same(old.releases, params.releases) || !same(old.schedule, params.schedule)) return false;
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
        throw new AppError('INVALID_REQUEST', `"${step.title}" cannot be skipped`, { hint: dependents.length ? `${dependents.join(', ')} need${dependents.length === 1 ? 's' : ''} it.` : 'The stack does not work without it.' });
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
          hint: 'Delete clusters the app did not create with their own tools (kind delete cluster, your provider\'s console).',
        });
      }
      if (input.confirm !== cluster) throw new AppError('INVALID_REQUEST', `Type the cluster name "${cluster}" to confirm deleting it`);
      const params: DownParams = { tenant, target: kindTarget(this.ctx.dataDir, cluster), deleteCluster: true, installed: [], timeout: planTimeout(this.plan) };
      const job = await this.ctx.jobs.start(DOWN_JOB, params as unknown as Record<string, unknown>);
      this.#track(job);
      return job;
    }
    if (input.confirm !== tenant) throw new AppError('INVALID_REQUEST', `Type the tenant id "${tenant}" to confirm uninstalling it`);
    const target = this.currentTarget();
    const namespace = namespaceOf(tenant);
    const found = await helmList((name, args, options) => this.ctx.tools.run(name, args, options), target, namespace);
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
    const namespace = namespaceOf(tenant);
    const job = this.#stackJobs(tenant)[0] ?? null;
    const elsewhere = this.#lock.heldElsewhere();
    const status: StackStatus = {
      tenant,
      namespace,
      target: { context: null, kubeconfig: [], managed: false, cluster: null },
      reachable: false,
      operators: this.plan.operators.map((op) => releaseInfo(op.name, op.name, op.namespace, null)),
      releases: this.plan.tenant.releases.filter((release) => release.local).map((release) => releaseInfo(release.name, fill(release.release, tenant), namespace, null)),
      components: [],
      job,
      steps: job ? this.stepInfo(job) : [],
      runningElsewhere: elsewhere && job && elsewhere.jobId === job.id ? elsewhere.pid : null,
      checkedAt: Date.now(),
    };
    let target: ResolvedTarget;
    try {
      target = this.currentTarget();
    } catch (error) {
      status.error = toErrorPayload(error);
      return status;
    }
    status.target = { context: target.context, kubeconfig: target.kubeconfig, managed: target.mode === 'kind', cluster: target.mode === 'kind' ? target.cluster : null };
    const kc = kubeConfigFor(target, this.ctx.env);
    try {
      await Promise.race([
        kc.makeApiClient(VersionApi).getCode(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000)),
      ]);
      status.reachable = true;
    } catch (error) {
      status.error = { code: 'KUBE_UNREACHABLE', message: `${target.context} does not answer: ${(error as Error).message}`, hint: target.mode === 'kind' ? 'Is Docker running? The kind cluster\'s node is a container.' : 'Is the cluster up and the context right?' };
      return status;
    }
    let releases: HelmRelease[] = [];
    try {
      releases = await helmList((name, args, options) => this.ctx.tools.run(name, args, options), target, 'all');
    } catch (error) {
      status.error = toErrorPayload(error);
    }
    status.operators = this.plan.operators.map((op) => releaseInfo(op.name, op.name, op.namespace, releases.find((r) => r.name === op.name && r.namespace === op.namespace)));
    status.releases = this.plan.tenant.releases
      .map((release) => releaseInfo(release.name, fill(release.release, tenant), namespace, releases.find((r) => r.name === fill(release.release, tenant) && r.namespace === namespace)))
      .filter((info) => info.status !== 'not installed' || this.plan.tenant.releases.find((r) => r.name === info.name)?.local);
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace }).catch(() => ({ items: [] }));
    status.components = this.#components(tenant, pods.items);
    return status;
  }

  #components(tenant: string, pods: Awaited<ReturnType<CoreV1Api['listNamespacedPod']>>['items']): StackStatus['components'] {
    const prefixes = this.plan.tenant.releases.flatMap((release) => {
      const section = release.values.tenantSection;
      const list = [`${section}-${tenant}`];
      if (section === 'logclaw-opensearch') list.push(`opensearch-${tenant}`);
      if (section === 'logclaw-zammad') list.push('logclaw-zammad');
      return list.map((prefix) => ({ prefix, component: release.name }));
    });
    prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    const groups = new Map<string, StackStatus['components'][number]['pods']>();
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '?';
      const component = prefixes.find((entry) => name.startsWith(entry.prefix))?.component ?? 'other';
      const statuses = pod.status?.containerStatuses ?? [];
      const ready = isPodReady(pod);
      const list = groups.get(component) ?? [];
      list.push({
        name,
        phase: pod.status?.phase ?? 'Unknown',
        ready: statuses.filter((container) => container.ready).length,
        containers: pod.spec?.containers.length ?? statuses.length,
        restarts: statuses.reduce((sum, container) => sum + container.restartCount, 0),
        ...(ready ? {} : { reason: podReasons(pod)[0] ?? pod.status?.reason ?? pod.status?.phase }),
      });
      groups.set(component, list);
    }
    const order = this.plan.tenant.releases.map((release) => release.name);
    return [...groups.entries()]
      .sort(([a], [b]) => (order.indexOf(a) === -1 ? 99 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 99 : order.indexOf(b)))
      .map(([name, list]) => ({ name, pods: list.sort((a, b) => a.name.localeCompare(b.name)) }));
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
    return { kindAvailable: true, clusters: result.stdout.split('\n').map((line) => line.trim()).filter(Boolean), managedKubeconfig: managed };
  }
}
