// Port-forwards: the stack's services (and custom targets) on 127.0.0.1, supervised.
import { z } from 'zod';
import { empty } from './core.js';
import type { ChannelMap, EventMap } from './define.js';
import { ErrorInfo } from './schemas.js';

export const ForwardState = z.enum(['starting', 'ready', 'degraded', 'reconnecting', 'failed', 'stopped']);
export type ForwardState = z.infer<typeof ForwardState>;
export const ProbeKind = z.enum(['http', 'opensearch', 'kafka', 'tcp']);

const port = z.number().int().min(1).max(65535);
const dnsName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes name (lowercase letters, digits, "-" and ".")');

export const ForwardSpec = z.object({
  id: z.string().regex(/^[a-z0-9][-a-z0-9]*$/),
  title: z.string(),
  namespace: dnsName,
  target: z.object({ kind: z.enum(['service', 'pod']), name: dnsName }),
  remotePort: port,
  localPort: port,
  probe: ProbeKind,
  /** HTTP path for the probe and "open in browser". */
  path: z.string().optional(),
  /** Added by the user (not one of the stack's services). */
  custom: z.boolean(),
});
export type ForwardSpec = z.infer<typeof ForwardSpec>;

/** How a forward reaches the pod: "auto" is the multiplexed SPDY tunnel with the WebSocket fallback. */
export const ForwardTransportMode = z.enum(['auto', 'spdy', 'websocket']);
export type ForwardTransportMode = z.infer<typeof ForwardTransportMode>;
export const ForwardTransportInfo = z.object({
  mode: ForwardTransportMode,
  /** In use now: one SPDY/3.1 session for all connections, or client-node's one WebSocket per connection. */
  kind: z.enum(['spdy', 'websocket']),
  /** Why this one (the default, the settings, or what made "auto" fall back). */
  reason: z.string(),
  /** SPDY sessions (WebSocket upgrades) opened since the forward started. */
  sessions: z.number(),
});
export type ForwardTransportInfo = z.infer<typeof ForwardTransportInfo>;

export const StateChange = z.object({ state: ForwardState, reason: z.string(), at: z.number() });
export type StateChange = z.infer<typeof StateChange>;

export const ForwardStatus = z.object({
  id: z.string(),
  spec: ForwardSpec,
  state: ForwardState,
  reason: z.string(),
  since: z.number(),
  /** Recent state changes, oldest first. */
  history: z.array(StateChange),
  /** The pod the forward currently reaches. */
  pod: z.string().optional(),
  connections: z.number(),
  activeConnections: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  lastProbe: z.object({ ok: z.boolean(), at: z.number(), latencyMs: z.number(), detail: z.string() }).optional(),
  /** http://127.0.0.1:<port><path> for services a browser can open. */
  url: z.string().optional(),
  transport: ForwardTransportInfo,
  /** The equivalent kubectl command. */
  command: z.string(),
  /** Started when the app (window or `logclaw serve`) starts. */
  autoStart: z.boolean(),
});
export type ForwardStatus = z.infer<typeof ForwardStatus>;

export const forwardsChannels = {
  'forwards:list': { request: empty, response: z.array(ForwardStatus) },
  'forwards:start': {
    request: z.object({ id: z.string().min(1), localPort: port.optional() }).strict(),
    response: ForwardStatus,
  },
  'forwards:stop': { request: z.object({ id: z.string().min(1) }).strict(), response: ForwardStatus },
  'forwards:startAll': {
    request: empty,
    response: z.object({
      started: z.array(ForwardStatus),
      failed: z.array(ErrorInfo.extend({ id: z.string(), suggestedPort: port.optional() })),
    }),
  },
  'forwards:stopAll': { request: empty, response: z.array(ForwardStatus) },
  'forwards:add': {
    request: z
      .object({
        title: z.string().trim().min(1).max(80).optional(),
        namespace: dnsName,
        kind: z.enum(['service', 'pod']),
        name: dnsName,
        remotePort: port,
        localPort: port,
        probe: ProbeKind.default('tcp'),
        path: z.string().startsWith('/').optional(),
      })
      .strict(),
    response: ForwardStatus,
  },
  'forwards:remove': { request: z.object({ id: z.string().min(1) }).strict(), response: z.array(ForwardStatus) },
  'forwards:setTransport': {
    request: z.object({ id: z.string().min(1), transport: ForwardTransportMode }).strict(),
    response: ForwardStatus,
  },
  'forwards:setAutoStart': { request: z.object({ id: z.string().min(1), autoStart: z.boolean() }).strict(), response: ForwardStatus },
} as const satisfies ChannelMap;

export const forwardsEvents = {
  'forward:changed': ForwardStatus,
} as const satisfies EventMap;
