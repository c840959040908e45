// One port-forward the app owns: a net.Server on 127.0.0.1 whose connections are tunnelled through
// the API server (no kubectl subprocess; see transport.ts for how), a probe loop that decides the
// state from the service's own answers, and reconnection with backoff.
import { type Server, type Socket, createServer } from 'node:net';
import { type Readable, Transform } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ForwardTransportMode } from '#contract/forwards.js';
import { AppError, type ForwardSpec, type ForwardState, type ForwardStatus, type StateChange } from '#contract/index.js';
import { type ProbeOutcome, runProbe } from './probes.js';
import { type ForwardTarget, resolveTarget } from './target.js';
import { ForwardTransport } from './transport.js';

export interface SupervisorTiming {
  /** Probe period while ready or degraded. */
  probeIntervalMs: number;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Consecutive unreachable probes before the state says failed (it keeps retrying). */
  failAfter: number;
  probeTimeoutMs: number;
}

export const DEFAULT_TIMING: SupervisorTiming = {
  probeIntervalMs: 3000,
  backoffMs: 500,
  maxBackoffMs: 15_000,
  failAfter: 6,
  probeTimeoutMs: 3000,
};
const HISTORY = 50;

export class SupervisedForward {
  readonly spec: ForwardSpec;
  #kc: KubeConfig;
  #timing: SupervisorTiming;
  #onChange: (status: Omit<ForwardStatus, 'autoStart'>) => void;
  #server: Server | null = null;
  #sockets = new Set<Socket>();
  #target: ForwardTarget | null = null;
  #state: ForwardState = 'stopped';
  #reason = 'not started';
  #since = Date.now();
  #history: StateChange[] = [];
  #counters = { connections: 0, bytesIn: 0, bytesOut: 0 };
  #lastProbe: ForwardStatus['lastProbe'];
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  #probing = false;
  readonly #transport: ForwardTransport;

  constructor(
    spec: ForwardSpec,
    kc: KubeConfig,
    onChange: (status: Omit<ForwardStatus, 'autoStart'>) => void,
    timing: SupervisorTiming = DEFAULT_TIMING,
    transport: ForwardTransportMode = 'auto',
  ) {
    this.spec = spec;
    this.#kc = kc;
    this.#onChange = onChange;
    this.#timing = timing;
    this.#transport = new ForwardTransport(transport, spec.namespace, kc);
  }

  get state(): ForwardState {
    return this.#state;
  }

  get running(): boolean {
    return this.#server !== null;
  }

  /** Binds the local port (PORT_IN_USE if taken) and starts supervising. */
  async start(kc: KubeConfig = this.#kc): Promise<void> {
    if (this.#server) return;
    this.#kc = kc;
    this.#transport.start(kc);
    const server = createServer((socket) => this.#tunnel(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.spec.localPort, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        throw new AppError('PORT_IN_USE', `Local port ${this.spec.localPort} is already in use`, { detail: { port: this.spec.localPort } });
      }
      throw error;
    });
    this.#server = server;
    this.#failures = 0;
    this.#setState('starting', `listening on 127.0.0.1:${this.spec.localPort}`);
    this.#schedule(0);
  }

  async stop(reason = 'stopped by the user'): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#transport.close();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.#target = null;
    this.#setState('stopped', reason);
  }

  status(): Omit<ForwardStatus, 'autoStart'> {
    const http = this.spec.probe === 'http' || this.spec.probe === 'opensearch';
    const target = `${this.spec.target.kind === 'service' ? 'svc' : 'pod'}/${this.spec.target.name}`;
    return {
      id: this.spec.id,
      spec: this.spec,
      state: this.#state,
      reason: this.#reason,
      since: this.#since,
      history: [...this.#history],
      pod: this.#target?.pod,
      connections: this.#counters.connections,
      activeConnections: this.#sockets.size,
      bytesIn: this.#counters.bytesIn,
      bytesOut: this.#counters.bytesOut,
      lastProbe: this.#lastProbe,
      transport: this.#transport.info(),
      url: http ? `http://127.0.0.1:${this.spec.localPort}${this.spec.probe === 'opensearch' ? '/' : (this.spec.path ?? '/')}` : undefined,
      command: `kubectl -n ${this.spec.namespace} port-forward ${target} ${this.spec.localPort}:${this.spec.remotePort}`,
    };
  }

  #tunnel(socket: Socket): void {
    this.#counters.connections++;
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Bytes the client sends wait here (counted) until the tunnel is open; nothing is dropped.
    const input = socket.pipe(
      new Transform({
        transform: (chunk: Buffer, _encoding, callback) => {
          this.#counters.bytesIn += chunk.length;
          callback(null, chunk);
        },
      }),
    );
    const target = this.#target;
    if (!target) {
      // No known pod yet: resolve now rather than refusing the first connection.
      void this.#resolve().then(
        (resolved) => this.#open(socket, input, resolved),
        () => socket.destroy(),
      );
      return;
    }
    this.#open(socket, input, target);
  }

  #open(socket: Socket, input: Readable, target: ForwardTarget): void {
    if (socket.destroyed) return;
    this.#transport.connect(socket, input, target, {
      bytesOut: (bytes) => (this.#counters.bytesOut += bytes),
      failed: (reason) => this.#streamFailed(reason),
    });
  }

  /** A tunnel broke: forget the pod and probe soon, so new connections go to a live one. */
  #streamFailed(reason: string): void {
    this.#target = null;
    if (this.#state === 'ready' || this.#state === 'degraded') {
      this.#setState('reconnecting', reason);
      this.#schedule(this.#timing.backoffMs);
    }
  }

  async #resolve(): Promise<ForwardTarget> {
    this.#target = await resolveTarget(this.#kc, this.spec);
    return this.#target;
  }

  #schedule(delayMs: number): void {
    if (!this.#server) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#probe(), delayMs);
  }

  async #probe(): Promise<void> {
    if (!this.#server || this.#probing) return;
    this.#probing = true;
    const started = Date.now();
    let outcome: ProbeOutcome;
    try {
      const previous = this.#target?.pod;
      const target = await this.#resolve();
      if (previous && previous !== target.pod) {
        // The pod behind the service was replaced: tunnels to it would hang, so close them and
        // let clients reconnect to the new one.
        for (const socket of this.#sockets) socket.destroy();
        this.#setState('reconnecting', `pod/${previous} was replaced by pod/${target.pod}`);
      }
      outcome = await runProbe(this.spec.localPort, { kind: this.spec.probe, path: this.spec.path }, this.#timing.probeTimeoutMs);
    } catch (error) {
      this.#target = null;
      outcome = { result: 'unreachable', detail: error instanceof Error ? error.message : String(error) };
    } finally {
      this.#probing = false;
    }
    if (!this.#server) return;
    this.#lastProbe = { ok: outcome.result === 'ok', at: Date.now(), latencyMs: Date.now() - started, detail: outcome.detail };
    if (outcome.result === 'ok') {
      this.#failures = 0;
      this.#setState('ready', `${this.#target ? `pod/${this.#target.pod}: ` : ''}${outcome.detail}`);
      this.#schedule(this.#timing.probeIntervalMs);
    } else if (outcome.result === 'unhealthy') {
      this.#failures = 0;
      this.#setState('degraded', outcome.detail);
      this.#schedule(this.#timing.probeIntervalMs);
    } else {
      this.#failures++;
      const state =
        this.#failures >= this.#timing.failAfter
          ? 'failed'
          : this.#state === 'starting' && this.#failures === 1
            ? 'starting'
            : 'reconnecting';
      this.#setState(state, outcome.detail);
      this.#schedule(Math.min(this.#timing.backoffMs * 2 ** (this.#failures - 1), this.#timing.maxBackoffMs));
    }
  }

  #setState(state: ForwardState, reason: string): void {
    const changed = state !== this.#state;
    if (!changed && reason === this.#reason) {
      this.#onChange(this.status());
      return;
    }
    this.#reason = reason;
    if (changed) {
      this.#state = state;
      this.#since = Date.now();
      this.#history.push({ state, reason, at: this.#since });
      if (this.#history.length > HISTORY) this.#history.splice(0, this.#history.length - HISTORY);
    }
    this.#onChange(this.status());
  }
}
