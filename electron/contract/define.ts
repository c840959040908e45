import type { z } from 'zod';

/** A domain's channels: `domain:verb` → request and response schemas. */
export type ChannelMap = Record<`${string}:${string}`, { request: z.ZodType; response: z.ZodType }>;
/** A domain's pushed events: `domain:event` → payload schema. */
export type EventMap = Record<`${string}:${string}`, z.ZodType>;
