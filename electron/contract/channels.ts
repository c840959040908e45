// The one contract between UI and backend: every invoke channel and every pushed event.
// Electron IPC, the loopback HTTP/WebSocket bridge and the CLI all serve exactly this map.
import { z } from 'zod';
import type { Envelope } from './errors.js';
import { type Channel, type EventName } from './names.js';
import { AppInfo, Job, JobLine, KubeContexts, Notice, Settings, SettingsPatch, ToolName, ToolReport } from './schemas.js';

const empty = z.object({}).strict().default({});
const jobId = z.object({ id: z.string().min(1) }).strict();

export const invokeSchemas = {
  'app:info': { request: empty, response: AppInfo },
  'tools:detect': {
    request: z.object({ only: z.array(ToolName).optional() }).strict().default({}),
    response: z.array(ToolReport),
  },
  'kube:contexts': { request: empty, response: KubeContexts },
  'settings:get': { request: empty, response: Settings },
  'settings:update': { request: SettingsPatch, response: Settings },
  'jobs:list': { request: empty, response: z.array(Job) },
  'jobs:get': { request: jobId, response: Job },
  'jobs:lines': {
    request: z.object({ id: z.string().min(1), tail: z.number().int().positive().max(10_000).default(500) }).strict(),
    response: z.array(JobLine),
  },
  'jobs:cancel': { request: jobId, response: Job },
} as const satisfies Record<Channel, { request: z.ZodType; response: z.ZodType }>;

export const eventSchemas = {
  'job:changed': Job,
  'job:line': JobLine,
  'settings:changed': Settings,
  'app:notice': Notice,
} as const satisfies Record<EventName, z.ZodType>;

type Schemas = typeof invokeSchemas;
export type Request<C extends Channel> = z.input<Schemas[C]['request']>;
export type ParsedRequest<C extends Channel> = z.output<Schemas[C]['request']>;
export type Response<C extends Channel> = z.output<Schemas[C]['response']>;

export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>;

export { CHANNELS, EVENTS, isChannel, isEventName, type Channel, type EventName } from './names.js';

/** The API every transport exposes to the renderer: one method per channel plus event subscription. */
export type LogclawApi = {
  invoke<C extends Channel>(channel: C, request?: Request<C>): Promise<Response<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/**
 * What the Electron preload exposes as `window.logclaw`: one function per channel (no generic
 * send) answering with the error envelope, and a subscription per event.
 */
export type PreloadApi = {
  channels: { [C in Channel]: (request?: Request<C>) => Promise<Envelope<Response<C>>> };
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
