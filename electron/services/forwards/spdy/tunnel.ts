// A forward's multiplexed tunnel: one SPDY/3.1 session per pod over a WebSocket upgrade
// (subprotocol SPDY/3.1+portforward.k8s.io), opened on the first connection, kept alive with PINGs
// and opened again on the next connection after a loss. Each local connection is a stream pair:
// "error" (the kubelet writes why a dial failed, then FIN) and "data", sharing port and requestid.
import type { RequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ForwardTarget } from '../target.js';
import { UpgradeRefused, upgrade } from '../ws-client.js';
import { SpdySession, type SpdyStream } from './session.js';

export const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

export interface TunnelHooks {
  bytesOut: (bytes: number) => void;
  /** The pair carried bytes from the pod: the session works. */
  opened: () => void;
  /** The API server does not speak the tunnel (the socket is untouched: it can go another way). */
  refused: (reason: string) => void;
  /** The connection broke; `transportFault` when SPDY itself failed (a reset or a protocol error). */
  failed: (reason: string, transportFault: boolean) => void;
}

export interface TunnelTiming {
  pingIntervalMs: number;
  pingTimeoutMs: number;
  upgradeTimeoutMs: number;
}

const DEFAULT_TUNNEL_TIMING: TunnelTiming = { pingIntervalMs: 15_000, pingTimeoutMs: 15_000, upgradeTimeoutMs: 15_000 };

/** Answers that mean "this server has no SPDY tunnel" rather than "this pod cannot be reached". */
function isRefusal(error: unknown): error is UpgradeRefused {
  return error instanceof UpgradeRefused && [101, 400, 426].includes(error.status);
}

export class SpdyTunnel {
  readonly #kc: KubeConfig;
  readonly #namespace: string;
  readonly #timing: TunnelTiming;
  #session: { pod: string; ready: Promise<SpdySession> } | null = null;
  #requestId = 0;
  /** WebSocket upgrades made so far: one per session. */
  sessionsOpened = 0;

  constructor(kc: KubeConfig, namespace: string, timing: TunnelTiming = DEFAULT_TUNNEL_TIMING) {
    this.#kc = kc;
    this.#namespace = namespace;
    this.#timing = timing;
  }

  connect(socket: Socket, input: Readable, target: ForwardTarget, hooks: TunnelHooks): void {
    this.#sessionFor(target.pod).then(
      (session) => this.#pair(session, socket, input, target, hooks),
      (error: unknown) => {
        if (isRefusal(error)) return hooks.refused(error.message);
        socket.destroy();
        hooks.failed(`pod/${target.pod}: ${(error as Error).message}`, false);
      },
    );
  }

  close(): void {
    const session = this.#session;
    this.#session = null;
    void session?.ready.then(
      (open) => open.close('forward stopped'),
      () => undefined,
    );
  }

  #sessionFor(pod: string): Promise<SpdySession> {
    if (this.#session?.pod === pod) return this.#session.ready;
    // A new pod (the old one was replaced) gets its own session; the old one's streams end with it.
    this.close();
    const ready = this.#open(pod);
    const entry = { pod, ready };
    this.#session = entry;
    ready.then(
      (session) => session.onClose(() => this.#session === entry && (this.#session = null)),
      () => this.#session === entry && (this.#session = null),
    );
    return ready;
  }

  async #open(pod: string): Promise<SpdySession> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(`${cluster.server.replace(/\/+$/, '')}/api/v1/namespaces/${this.#namespace}/pods/${pod}/portforward`);
    const options: RequestOptions = {};
    await this.#kc.applyToHTTPSOptions(options);
    const ws = await upgrade(url, options, TUNNEL_PROTOCOL, this.#timing.upgradeTimeoutMs);
    this.sessionsOpened++;
    return new SpdySession(ws, { pingIntervalMs: this.#timing.pingIntervalMs, pingTimeoutMs: this.#timing.pingTimeoutMs });
  }

  #pair(session: SpdySession, socket: Socket, input: Readable, target: ForwardTarget, hooks: TunnelHooks): void {
    if (socket.destroyed) return;
    const requestid = String(this.#requestId++);
    const headers = (streamtype: string) => ({ streamtype, port: String(target.port), requestid });
    let over = false;
    let working = false;
    let errorText = '';
    const streams: SpdyStream[] = [];
    const fail = (reason: string, transportFault: boolean) => {
      if (over) return;
      over = true;
      for (const stream of streams) stream.reset();
      socket.destroy();
      hooks.failed(`pod/${target.pod}: ${reason}`, transportFault);
    };
    const reset = (reason: string) => fail(reason, !session.closed || session.closed.startsWith('protocol error'));
    let opened: SpdyStream[];
    try {
      // Error stream first, then data: each SYN_STREAM is compressed and written in this call, so the
      // shared header context sees them in wire order.
      const error = session.open(headers('error'), {
        data: (chunk, consumed) => {
          errorText += chunk.toString('utf8');
          consumed();
        },
        // The kubelet (or kwok) ends the error stream when the pod side of the connection is done;
        // the data stream's FIN may come late or not at all, so this ends the client's side too.
        end: () => (errorText ? fail(errorText.trim(), false) : socket.end()),
        reset,
      });
      // We never write on the error stream (kubectl half-closes it at once too).
      error.end();
      const data = session.open(headers('data'), {
        data: (chunk, consumed) => {
          if (!working) {
            working = true;
            hooks.opened();
          }
          hooks.bytesOut(chunk.length);
          if (socket.destroyed) return consumed();
          socket.write(chunk, () => consumed());
        },
        end: () => socket.end(),
        reset,
      });
      opened = [error, data];
    } catch (error) {
      return fail((error as Error).message, false);
    }
    streams.push(...opened);
    const data = opened[1]!;
    input.on('data', (chunk: Buffer) => {
      if (!data.write(chunk)) {
        input.pause();
        void data.drain().then(() => input.resume());
      }
    });
    input.on('end', () => data.end());
    socket.on('close', () => {
      over = true;
      for (const stream of streams) stream.reset();
    });
  }
}
