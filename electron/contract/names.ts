// Channel and event names alone, so the sandboxed preload can enumerate them without bundling zod.
// channels.ts checks at compile time that its schema maps have exactly these keys.
export const CHANNELS = [
  'app:info',
  'tools:detect',
  'kube:contexts',
  'settings:get',
  'settings:update',
  'jobs:list',
  'jobs:get',
  'jobs:lines',
  'jobs:cancel',
] as const;

export const EVENTS = ['job:changed', 'job:line', 'settings:changed', 'app:notice'] as const;

export type Channel = (typeof CHANNELS)[number];
export type EventName = (typeof EVENTS)[number];

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

export function isEventName(value: string): value is EventName {
  return (EVENTS as readonly string[]).includes(value);
}
