import { z } from 'zod';

/** A domain's channels: `domain:verb` → request and response schemas. */
export type ChannelMap = Record<`${string}:${string}`, { request: z.ZodType; response: z.ZodType }>;
/** A domain's pushed events: `domain:event` → payload schema. */
export type EventMap = Record<`${string}:${string}`, z.ZodType>;

/** An http(s) URL a user typed (a Vector source, an OpenSearch node); `example` goes in the message. */
export function httpUrl(what: string, example: string) {
  return z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(2048)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, `an http:// or https:// URL, e.g. ${example}`);
}
