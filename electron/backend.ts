// Composition root shared by every transport: builds the services once and maps each contract
// channel to a handler. Electron IPC, the loopback bridge and the CLI all call `invoke` here.
// Each capability contributes its handlers through a Domain (see ./domain.ts).
import { join } from 'node:path';
import {
  AppError,
  type AppInfo,
  CHANNELS,
  type Channel,
  type Envelope,
  type Response,
  Settings,
  describeIssues,
  fail,
  ok,
  parseRequest,
} from '#contract/index.js';
import { coreDomain } from './core-domain.js';
import type { BackendContext, Domain, Handlers } from './domain.js';
import { doctorDomain } from './services/doctor/domain.js';
import { forwardsDomain } from './services/forwards/domain.js';
import { EventBus } from './services/events.js';
import { JobRunner } from './services/jobs/job-runner.js';
import { discoverStackKafka } from './services/kafka/discover.js';
import { kafkaDomain } from './services/kafka/domain.js';
import { logsDomain } from './services/logs/domain.js';
import { searchDomain } from './services/search/domain.js';
import { stackDomain } from './services/stack/domain.js';
import { ForwardsService } from './services/forwards/forwards-service.js';
import type { SupervisorTiming } from './services/forwards/supervised-forward.js';
import { type KubeTarget, loadKubeConfig } from './services/kube/kubeconfig.js';
import { defaultDataDir, sourceRoot } from './services/paths.js';
import { SettingsStore } from './services/settings/settings-store.js';
import { readToolsLock } from './services/tools/lock.js';
import type { ExecObserver } from './services/tools/run-tool.js';
import { ToolsService } from './services/tools/tools-service.js';
import { backendEnv } from './services/stack/test-hooks.js';

export interface BackendOptions {
  dataDir?: string;
  /** Folder holding charts/ and resources/ (the checkout, or the packaged app's resources). */
  appRoot?: string;
  transport: AppInfo['transport'];
  env?: NodeJS.ProcessEnv;
  version?: string;
  /** CLI flags --kubeconfig/--context; they win over Settings, as kubectl's flags win over its config. */
  kubeTarget?: KubeTarget;
  /** CLI flag --tenant; wins over Settings for this process. */
  tenant?: string;
  /** Probe and reconnect timing of port-forwards (tests shorten it). */
  forwardTiming?: SupervisorTiming;
  /** Sees every tool run at the exec boundary (tests compare it with what was shown). */
  onExec?: ExecObserver;
  /** A packaged app (Electron's app.isPackaged): the environment's test hooks are ignored (services/stack/test-hooks.ts). */
  packaged?: boolean;
}

export interface Backend extends BackendContext {
  /** Validates and runs one request; never throws, always answers with an envelope. */
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  /** Typed call for in-process users (CLI, tests); throws AppError. */
  call<C extends Channel>(channel: C, payload?: unknown): Promise<Response<C>>;
  close(): Promise<void>;
}

/** Every capability, in start order; closed in reverse. */
const DOMAINS: Array<(ctx: BackendContext) => Domain> = [
  coreDomain,
  forwardsDomain,
  searchDomain,
  (ctx) => kafkaDomain(ctx, { discover: discoverStackKafka(ctx) }),
  stackDomain,
  logsDomain,
  doctorDomain,
];

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const env = backendEnv(options.env ?? process.env, options.packaged === true);
  const dataDir = options.dataDir ?? defaultDataDir(env);
  const appRoot = options.appRoot ?? sourceRoot();
  const bus = new EventBus();
  const settings = new SettingsStore(dataDir);
  await settings.load();
  const tools = new ToolsService({
    settings: () => settings.current,
    lock: readToolsLock(join(appRoot, 'resources', 'tools.lock.json')),
    resourcesDir: join(appRoot, 'resources'),
    env,
    onExec: options.onExec,
  });
  const jobs = new JobRunner(dataDir, bus);
  await jobs.init();

  const kubeTarget = (): KubeTarget => ({
    kubeconfig: options.kubeTarget?.kubeconfig ?? settings.current.kubeconfig,
    context: options.kubeTarget?.context ?? settings.current.context,
  });
  if (options.tenant !== undefined) {
    const valid = Settings.shape.tenant.safeParse(options.tenant);
    if (!valid.success) throw new AppError('INVALID_REQUEST', `Tenant "${options.tenant}" is not valid: ${describeIssues(valid.error)}`);
  }
  const tenant = () => options.tenant ?? settings.current.tenant;
  const forwards = new ForwardsService({
    dataDir,
    tenant,
    kubeConfig: () => loadKubeConfig(kubeTarget(), env),
    onChange: (status) => bus.emit('forward:changed', status),
    timing: options.forwardTiming,
  });
  await forwards.load();
  // The window and `logclaw serve` bring back the forwards the user marked; one-shot CLI commands do not.
  if (options.transport !== 'cli') void forwards.autoStart();

  const ctx: BackendContext = {
    env,
    dataDir,
    appRoot,
    transport: options.transport,
    version: options.version ?? '0.1.0',
    bus,
    settings,
    tools,
    jobs,
    forwards,
    kubeTarget,
    tenant,
    call: (channel, payload) => call(channel, payload),
  };
  const domains = DOMAINS.map((create) => create(ctx));
  const handlers = Object.assign({}, ...domains.map((domain) => domain.handlers)) as Handlers<Channel>;
  const missing = CHANNELS.filter((channel) => !handlers[channel]);
  if (missing.length) throw new Error(`No handler for ${missing.join(', ')}: add its domain to DOMAINS`);

  async function call<C extends Channel>(channel: C, payload?: unknown): Promise<Response<C>> {
    const request = parseRequest(channel, payload);
    const handler = handlers[channel] as (request: unknown) => Promise<Response<C>> | Response<C>;
    return handler(request);
  }

  return {
    ...ctx,
    call,
    async invoke(channel, payload) {
      try {
        return ok(await call(channel as Channel, payload));
      } catch (error) {
        return fail(error);
      }
    },
    async close() {
      for (const domain of [...domains].reverse()) await domain.close?.();
      await jobs.close();
    },
  };
}
