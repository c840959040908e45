import type { AppInfo, Channel, ParsedRequest, Response } from '#contract/index.js';
import type { EventBus } from './services/events.js';
import type { ForwardsService } from './services/forwards/forwards-service.js';
import type { JobRunner } from './services/jobs/job-runner.js';
import type { KubeTarget } from './services/kube/kubeconfig.js';
import type { SettingsStore } from './services/settings/settings-store.js';
import type { ToolsService } from './services/tools/tools-service.js';

/** What every capability gets from the composition root. */
export interface BackendContext {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  /** Folder holding charts/ and resources/. */
  readonly appRoot: string;
  readonly transport: AppInfo['transport'];
  readonly version: string;
  readonly bus: EventBus;
  readonly settings: SettingsStore;
  readonly tools: ToolsService;
  readonly jobs: JobRunner;
  /** Port-forwards to the stack's services; other capabilities reach the cluster through `ensure`. */
  readonly forwards: ForwardsService;
  /** Which kubeconfig and context cluster-facing services use now. */
  kubeTarget(): KubeTarget;
  /** The tenant id (namespace logclaw-<tenant>). */
  tenant(): string;
  /**
   * Calls another capability's channel in-process, validated like any request (throws AppError):
   * how one domain uses another's live service (e.g. logs → kafka:produce, search:query).
   */
  call<C extends Channel>(channel: C, payload?: unknown): Promise<Response<C>>;
}

export type Handlers<K extends Channel> = { [C in K]: (request: ParsedRequest<C>) => Promise<Response<C>> | Response<C> };

/**
 * One capability: the handlers for its channels, and what to release on shutdown. Declare a
 * domain's own channels as K to have them checked; the backend checks at start that every channel
 * of the contract has a handler.
 */
export interface Domain<K extends Channel = never> {
  handlers: Handlers<K> & Partial<Handlers<Channel>>;
  close?(): Promise<void>;
}
