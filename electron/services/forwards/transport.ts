// How a forward carries its local connections to the pod: one multiplexed SPDY/3.1 session over a
// WebSocket tunnel (as kubectl 1.31+ does), or client-node's PortForward (one WebSocket per
// connection). "auto" uses the tunnel and falls back for good when the API server refuses its
// subprotocol or the session keeps failing streams.
import type { Socket } from 'node:net';
import { type Readable, Writable } from 'node:stream';
import { type KubeConfig, PortForward } from '@kubernetes/client-node';
import type { ForwardTransportInfo, ForwardTransportMode } from '#contract/forwards.js';
import { SpdyTunnel } from './spdy/tunnel.js';
import type { ForwardTarget } from './target.js';

export interface ConnectionHooks {
  /** Bytes written to the local client. */
  bytesOut: (bytes: number) => void;
  /** The tunnel to the pod broke (the local socket is already destroyed). */
  failed: (reason: string) => void;
}

export interface Tunnel {
  connect(socket: Socket, input: Readable, target: ForwardTarget, hooks: ConnectionHooks): void;
  close(): void;
}

/** Stream pairs the server reset, or lost to SPDY protocol errors, in a row (none working between) before "auto" gives up on SPDY. */
export const SPDY_FAILURES_BEFORE_FALLBACK = 3;

export class ForwardTransport {
  readonly mode: ForwardTransportMode;
  #kind: 'spdy' | 'websocket';
  #reason: string;
  readonly #namespace: string;
  #kc: KubeConfig;
  #spdy: SpdyTunnel | null = null;
  #failures = 0;

  constructor(mode: ForwardTransportMode, namespace: string, kc: KubeConfig) {
    this.mode = mode;
    this.#namespace = namespace;
    this.#kc = kc;
    this.#kind = mode === 'websocket' ? 'websocket' : 'spdy';
    this.#reason = mode === 'auto' ? 'multiplexed session (default)' : 'chosen in the settings';
  }

  info(): ForwardTransportInfo {
    return { mode: this.mode, kind: this.#kind, reason: this.#reason, sessions: this.#spdy?.sessionsOpened ?? 0 };
  }

  start(kc: KubeConfig): void {
    this.#kc = kc;
  }

  connect(socket: Socket, input: Readable, target: ForwardTarget, hooks: ConnectionHooks): void {
    if (this.#kind === 'websocket') return webSocketConnect(this.#kc, this.#namespace, socket, input, target, hooks);
    this.#spdy ??= new SpdyTunnel(this.#kc, this.#namespace);
    this.#spdy.connect(socket, input, target, {
      ...hooks,
      opened: () => (this.#failures = 0),
      refused: (reason) => {
        if (this.mode !== 'auto') {
          socket.destroy();
          return hooks.failed(reason);
        }
        this.#fallBack(`the API server refused the SPDY tunnel (${reason})`);
        this.connect(socket, input, target, hooks);
      },
      failed: (reason, transportFault) => {
        if (transportFault && this.mode === 'auto' && ++this.#failures >= SPDY_FAILURES_BEFORE_FALLBACK)
          this.#fallBack(`${this.#failures} SPDY stream pairs failed in a row (last: ${reason})`);
        hooks.failed(reason);
      },
    });
  }

  close(): void {
    this.#spdy?.close();
    this.#spdy = null;
  }

  #fallBack(reason: string): void {
    if (this.#kind === 'websocket') return;
    this.#kind = 'websocket';
    this.#reason = `fell back to one WebSocket per connection: ${reason}`;
    this.close();
  }
}

/** client-node's PortForward: one WebSocket (v4.channel.k8s.io) per local connection. */
function webSocketConnect(
  kc: KubeConfig,
  namespace: string,
  socket: Socket,
  input: Readable,
  target: ForwardTarget,
  hooks: ConnectionHooks,
): void {
  if (socket.destroyed) return;
  const output = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      hooks.bytesOut(chunk.length);
      if (socket.destroyed || socket.write(chunk)) return callback();
      socket.once('drain', () => callback());
    },
  });
  // The kubelet reports a failed dial on the error stream; the client then sees the socket close.
  // (Its first frame only carries the port number, which client-node strips to an empty chunk.)
  const errors = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      if (chunk.length === 0) return callback();
      socket.destroy();
      hooks.failed(`pod/${target.pod}: ${chunk.toString('utf8').trim()}`);
      callback();
    },
  });
  new PortForward(kc)
    .portForward(namespace, target.pod, [target.port], output, errors, input)
    .then((ws) => {
      if (typeof ws === 'function') return;
      ws.on('close', () => socket.destroy());
      socket.on('close', () => ws.close());
    })
    .catch((error: Error) => {
      socket.destroy();
      hooks.failed(`pod/${target.pod}: ${error.message}`);
    });
}
