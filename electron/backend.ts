// Composition root shared by every transport: builds the services once and maps each contract
// channel to them. Electron IPC, the loopback bridge and the CLI all call `invoke` here.
import { join } from 'node:path';
import {
  type AppInfo,
  type Channel,
  type Envelope,
  type ParsedRequest,
  type Response,
  fail,
  ok,
  parseRequest,
} from './contract/index.js';
import { EventBus } from './services/events.js';
import { JobRunner } from './services/jobs/job-runner.js';
import { type KubeTarget, listContexts } from './services/kube/kubeconfig.js';
import { defaultDataDir, sourceRoot } from './services/paths.js';
import { SettingsStore } from './services/settings/settings-store.js';
import { readToolsLock } from './services/tools/lock.js';
import { ToolsService } from './services/tools/tools-service.js';

export interface BackendOptions {
  dataDir?: string;
  /** Folder holding charts/ and resources/ (the checkout, or the packaged app's resources). */
  appRoot?: string;
  transport: AppInfo['transport'];
  env?: NodeJS.ProcessEnv;
  version?: string;
  /** CLI flags --kubeconfig/--context; they win over Settings, as kubectl's flags win over its config. */
  kubeTarget?: KubeTarget;
}

type Handlers = { [C in Channel]: (request: ParsedRequest<C>) => Promise<Response<C>> | Response<C> };

export interface Backend {
  readonly bus: EventBus;
  readonly settings: SettingsStore;
  readonly tools: ToolsService;
  readonly jobs: JobRunner;
  readonly dataDir: string;
  /** Which kubeconfig and context cluster-facing services use now. */
  kubeTarget(): KubeTarget;
  /** Validates and runs one request; never throws, always answers with an envelope. */
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  /** Typed call for in-process users (CLI, tests); throws AppError. */
  call<C extends Channel>(channel: C, payload?: unknown): Promise<Response<C>>;
  close(): Promise<void>;
}

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? defaultDataDir(env);
  const appRoot = options.appRoot ?? sourceRoot();
  const resourcesDir = join(appRoot, 'resources');
  const bus = new EventBus();

  const settings = new SettingsStore(dataDir);
  await settings.load();
  const tools = new ToolsService({
    settings: () => settings.current,
    lock: readToolsLock(join(resourcesDir, 'tools.lock.json')),
    resourcesDir,
    env,
  });
  const jobs = new JobRunner(dataDir, bus);
  await jobs.init();

  const kubeTarget = (): KubeTarget => ({
    kubeconfig: options.kubeTarget?.kubeconfig ?? settings.current.kubeconfig,
    context: options.kubeTarget?.context ?? settings.current.context,
  });

  const handlers: Handlers = {
    'app:info': () => ({
      version: options.version ?? '0.1.0',
      platform: process.platform,
      arch: process.arch,
      dataDir,
      transport: options.transport,
      notices: [...settings.notices],
    }),
    'tools:detect': (request) => tools.detect(request.only),
    'kube:contexts': () => listContexts(kubeTarget(), env),
    'settings:get': () => settings.current,
    'settings:update': async (patch) => {
      const next = await settings.update(patch);
      bus.emit('settings:changed', next);
      return next;
    },
    'jobs:list': () => jobs.list(),
    'jobs:get': ({ id }) => jobs.get(id),
    'jobs:lines': ({ id, tail }) => jobs.lines(id, tail),
    'jobs:cancel': ({ id }) => jobs.cancel(id),
  };

  async function call<C extends Channel>(channel: C, payload?: unknown): Promise<Response<C>> {
    const request = parseRequest(channel, payload);
    const handler = handlers[channel] as (request: unknown) => Promise<Response<C>> | Response<C>;
    return handler(request);
  }

  return {
    bus,
    settings,
    tools,
    jobs,
    dataDir,
    kubeTarget,
    call,
    async invoke(channel, payload) {
      try {
        return ok(await call(channel as Channel, payload));
      } catch (error) {
        return fail(error);
      }
    },
    close: () => jobs.close(),
  };
}
