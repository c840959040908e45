// The one contract between UI and backend: every invoke channel and every pushed event, gathered
// from one module per domain. Electron IPC, the loopback bridge and the CLI all serve exactly this.
import type { z } from 'zod';
import { coreChannels, coreEvents } from './core.js';
import { doctorChannels, doctorEvents } from './doctor.js';
import type { Envelope } from './errors.js';
import { forwardsChannels, forwardsEvents } from './forwards.js';
import { kafkaChannels, kafkaEvents } from './kafka.js';
import { logsChannels, logsEvents } from './logs.js';
import { searchChannels, searchEvents } from './search.js';
import { stackChannels, stackEvents } from './stack.js';

export const invokeSchemas = {
  ...coreChannels,
  ...forwardsChannels,
  ...searchChannels,
  ...kafkaChannels,
  ...stackChannels,
  ...logsChannels,
  ...doctorChannels,
} as const;
export const eventSchemas = {
  ...coreEvents,
  ...forwardsEvents,
  ...searchEvents,
  ...kafkaEvents,
  ...stackEvents,
  ...logsEvents,
  ...doctorEvents,
} as const;

type Schemas = typeof invokeSchemas;
export type Channel = keyof Schemas;
export type EventName = keyof typeof eventSchemas;
export type Request<C extends Channel> = z.input<Schemas[C]['request']>;
export type ParsedRequest<C extends Channel> = z.output<Schemas[C]['request']>;
export type Response<C extends Channel> = z.output<Schemas[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>;

export const CHANNELS = Object.keys(invokeSchemas) as Channel[];
export const EVENTS = Object.keys(eventSchemas) as EventName[];

export function isChannel(value: string): value is Channel {
  return Object.hasOwn(invokeSchemas, value);
}

export function isEventName(value: string): value is EventName {
  return Object.hasOwn(eventSchemas, value);
}

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
