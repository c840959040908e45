// A client SPDY/3.1 session over any message pipe (the tunnel's WebSocket): odd stream ids, header
// blocks compressed one after another and each SYN_STREAM written as its block comes back (so they
// reach the wire in compression order; a stream's DATA and RST wait for its SYN_STREAM), PINGs to
// notice a dead peer, and flow control.
//
// Flow control: we grant the peer window as our side consumes data (WINDOW_UPDATE once half a
// window is used). We limit what we send to the peer's windows only once the peer shows it does flow
// control (a SETTINGS_INITIAL_WINDOW_SIZE or a WINDOW_UPDATE): the API server's framer
// (moby/spdystream) never sends either and ignores windows, so enforcing the 64 KB default against
// it would stall every upload after 64 KB.
import { DEFAULT_WINDOW, type Frame, FrameReader, RstStatus, SETTINGS_INITIAL_WINDOW_SIZE, encodeFrame } from './framing.js';
import { HeaderDeflater, HeaderInflater, type HeaderPairs } from './headers.js';

/** What the session writes to and reads from: one SPDY byte stream, e.g. WebSocket binary messages. */
export interface SessionPipe {
  send(data: Buffer): boolean;
  drain(): Promise<void>;
  close(): void;
  on(handlers: { message?: (data: Buffer) => void; close?: (reason: string) => void }): void;
}

export interface SessionOptions {
  pingIntervalMs: number;
  /** No PING answer within this long ends the session. */
  pingTimeoutMs: number;
  /** DATA frames we send are at most this large. */
  maxFrameBytes?: number;
}

export interface StreamHandlers {
  data: (data: Buffer, consumed: () => void) => void;
  /** The peer half-closed (FIN). */
  end: () => void;
  /** The stream is over abnormally: reset by the peer, or the session ended. */
  reset: (reason: string) => void;
}

export class SpdyStream {
  readonly id: number;
  readonly #session: SpdySession;
  #handlers: StreamHandlers;
  /** The peer's window for this stream (bytes we may still send), when the peer enforces one. */
  sendWindow: number;
  #unacked = 0;
  #localEnded = false;
  #remoteEnded = false;
  #queue: { data: Buffer; fin: boolean }[] = [];
  #drainWaiters: (() => void)[] = [];
  closed = false;
  /** Its SYN_STREAM is on the wire: until then its frames wait. */
  synSent = false;
  #resetPending: number | null = null;

  constructor(session: SpdySession, id: number, sendWindow: number, handlers: StreamHandlers) {
    this.#session = session;
    this.id = id;
    this.sendWindow = sendWindow;
    this.#handlers = handlers;
  }

  /** False when the caller should wait for drain() before writing more. */
  write(data: Buffer): boolean {
    if (this.closed || this.#localEnded) return false;
    this.#queue.push({ data, fin: false });
    return this.#session.flush(this);
  }

  end(): void {
    if (this.closed || this.#localEnded) return;
    this.#localEnded = true;
    this.#queue.push({ data: Buffer.alloc(0), fin: true });
    this.#session.flush(this);
    this.#maybeForget();
  }

  reset(status: number = RstStatus.CANCEL): void {
    if (this.closed) return;
    if (this.synSent) this.#session.send({ type: 'rstStream', streamId: this.id, status });
    else this.#resetPending = status;
    this.#finish();
  }

  /** The SYN_STREAM went out: send what waited for it. */
  sent(): void {
    this.synSent = true;
    if (this.#resetPending !== null) this.#session.send({ type: 'rstStream', streamId: this.id, status: this.#resetPending });
    else this.#session.flush(this);
  }

  drain(): Promise<void> {
    if (this.#queue.length === 0) return this.#session.pipeDrain();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Frames the session may send now (within windows); the rest stay queued. */
  takeSendable(limit: (bytes: number) => number): Frame[] {
    const frames: Frame[] = [];
    while (this.#queue.length) {
      const next = this.#queue[0]!;
      const allowed = limit(next.data.length);
      if (allowed === 0 && next.data.length > 0) break;
      const data = next.data.subarray(0, allowed);
      const rest = next.data.subarray(allowed);
      const fin = next.fin && rest.length === 0;
      frames.push({ type: 'data', streamId: this.id, fin, data });
      if (rest.length) next.data = rest;
      else this.#queue.shift();
    }
    if (this.#queue.length === 0) this.#drainWaiters.splice(0).forEach((resolve) => resolve());
    return frames;
  }

  get queued(): boolean {
    return this.#queue.length > 0;
  }

  received(frame: Extract<Frame, { type: 'data' }>): void {
    if (frame.data.length) {
      const length = frame.data.length;
      this.#handlers.data(frame.data, () => this.#session.consumed(this, length));
    }
    if (frame.fin) this.remoteEnd();
  }

  /** Bytes consumed since the last WINDOW_UPDATE; returns what to grant now, if anything. */
  grant(bytes: number): number {
    this.#unacked += bytes;
    if (this.#unacked < DEFAULT_WINDOW / 2 || this.#remoteEnded) return 0;
    const delta = this.#unacked;
    this.#unacked = 0;
    return delta;
  }

  remoteEnd(): void {
    if (this.#remoteEnded) return;
    this.#remoteEnded = true;
    this.#handlers.end();
    this.#maybeForget();
  }

  fail(reason: string): void {
    if (this.closed) return;
    this.#finish();
    this.#handlers.reset(reason);
  }

  #maybeForget(): void {
    if (this.#localEnded && this.#remoteEnded && !this.#queue.length) this.#finish();
  }

  #finish(): void {
    this.closed = true;
    this.#queue = [];
    this.#drainWaiters.splice(0).forEach((resolve) => resolve());
    this.#session.forget(this);
  }
}

export class SpdySession {
  readonly #pipe: SessionPipe;
  readonly #options: Required<SessionOptions>;
  readonly #deflater = new HeaderDeflater();
  readonly #inflater = new HeaderInflater();
  #synChain: Promise<void> = Promise.resolve();
  readonly #reader = new FrameReader();
  readonly #streams = new Map<number, SpdyStream>();
  #nextStreamId = 1;
  #nextPingId = 1;
  /** The peer's windows, counted always, enforced once the peer shows it does flow control. */
  #peerWindows = { initial: DEFAULT_WINDOW, session: DEFAULT_WINDOW };
  #flowControlled = false;
  #sessionUnacked = 0;
  #pingTimer: NodeJS.Timeout;
  #pingDeadline: NodeJS.Timeout | null = null;
  #pings = new Map<number, () => void>();
  #closeListeners: ((reason: string) => void)[] = [];
  #blocked = new Set<SpdyStream>();
  closed: string | null = null;
  /** Streams opened over the session's life (for the UI and the benchmark). */
  streamsOpened = 0;

  constructor(pipe: SessionPipe, options: SessionOptions) {
    this.#pipe = pipe;
    this.#options = { maxFrameBytes: 64 * 1024, ...options };
    pipe.on({ message: (data) => this.#receive(data), close: (reason) => this.#end(reason) });
    this.#pingTimer = setInterval(() => void this.ping().catch(() => undefined), options.pingIntervalMs);
    this.#pingTimer.unref();
  }

  /** Opens a stream; writes to it wait for its SYN_STREAM, which follows every earlier one. */
  open(headers: HeaderPairs, handlers: StreamHandlers): SpdyStream {
    if (this.closed) throw new Error(`SPDY session is closed: ${this.closed}`);
    const id = this.#nextStreamId;
    this.#nextStreamId += 2;
    const stream = new SpdyStream(this, id, this.#peerWindows.initial, handlers);
    this.#streams.set(id, stream);
    this.streamsOpened++;
    const block = this.#deflater.compress(headers);
    this.#synChain = this.#synChain
      .then(() => block)
      .then(
        (headerBlock) => {
          this.send({ type: 'synStream', streamId: id, associatedId: 0, priority: 0, fin: false, unidirectional: false, headerBlock });
          stream.sent();
        },
        (error: Error) => this.#end(`header compression failed: ${error.message}`),
      );
    return stream;
  }

  /** Resolves once every stream opened so far has its SYN_STREAM on the wire. */
  opened(): Promise<void> {
    return this.#synChain;
  }

  get activeStreams(): number {
    return this.#streams.size;
  }

  /** Round trip of one PING, in ms; the session ends if none comes back within pingTimeoutMs. */
  ping(): Promise<number> {
    if (this.closed) return Promise.reject(new Error(this.closed));
    const id = this.#nextPingId;
    this.#nextPingId = (this.#nextPingId + 2) % 0x7fffffff;
    const started = performance.now();
    return new Promise((resolve) => {
      this.#pings.set(id, () => resolve(performance.now() - started));
      this.send({ type: 'ping', id });
      this.#pingDeadline ??= setTimeout(
        () => this.#end(`no PING answer within ${this.#options.pingTimeoutMs} ms`),
        this.#options.pingTimeoutMs,
      );
    });
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closed) listener(this.closed);
    else this.#closeListeners.push(listener);
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.send({ type: 'goAway', lastGoodStreamId: 0, status: 0 });
    this.#pipe.close();
    this.#end(reason);
  }

  send(frame: Frame): boolean {
    if (this.closed) return false;
    return this.#pipe.send(encodeFrame(frame));
  }

  pipeDrain(): Promise<void> {
    return this.#pipe.drain();
  }

  /** Sends what the stream has queued within the windows; false if the caller should wait. */
  flush(stream: SpdyStream): boolean {
    if (!stream.synSent) return false;
    const windows = this.#peerWindows;
    const frames = stream.takeSendable((bytes) => {
      const max = Math.min(bytes, this.#options.maxFrameBytes);
      const allowed = this.#flowControlled ? Math.max(0, Math.min(max, stream.sendWindow, windows.session)) : max;
      stream.sendWindow -= allowed;
      windows.session -= allowed;
      return allowed;
    });
    let room = true;
    for (const frame of frames) room = this.send(frame) && room;
    if (stream.queued) this.#blocked.add(stream);
    return room && !stream.queued;
  }

  consumed(stream: SpdyStream, bytes: number): void {
    if (this.closed) return;
    const delta = stream.closed ? 0 : stream.grant(bytes);
    if (delta) this.send({ type: 'windowUpdate', streamId: stream.id, delta });
    this.#consumedBySession(bytes);
  }

  #consumedBySession(bytes: number): void {
    this.#sessionUnacked += bytes;
    if (this.#sessionUnacked >= DEFAULT_WINDOW / 2) {
      this.send({ type: 'windowUpdate', streamId: 0, delta: this.#sessionUnacked });
      this.#sessionUnacked = 0;
    }
  }

  forget(stream: SpdyStream): void {
    this.#streams.delete(stream.id);
    this.#blocked.delete(stream);
  }

  #receive(data: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#reader.push(data);
    } catch (error) {
      this.send({ type: 'goAway', lastGoodStreamId: 0, status: 1 });
      this.#pipe.close();
      return this.#end(`protocol error: ${(error as Error).message}`);
    }
    for (const frame of frames) this.#handle(frame);
  }

  #handle(frame: Frame): void {
    switch (frame.type) {
      case 'data': {
        const stream = this.#streams.get(frame.streamId);
        if (stream) stream.received(frame);
        // Data for a stream we already forgot (reset crossing it) still used the session's window.
        else this.#consumedBySession(frame.data.length);
        return;
      }
      case 'synReply':
      case 'headers':
        // Port-forward replies carry no headers; the block still goes through the shared context.
        this.#inflate(frame.headerBlock);
        if (frame.fin) this.#streams.get(frame.streamId)?.remoteEnd();
        return;
      case 'synStream':
        this.#inflate(frame.headerBlock);
        this.send({ type: 'rstStream', streamId: frame.streamId, status: RstStatus.REFUSED_STREAM });
        return;
      case 'rstStream':
        this.#streams.get(frame.streamId)?.fail(`stream reset by the server (status ${frame.status})`);
        return;
      case 'settings':
        for (const entry of frame.entries) if (entry.id === SETTINGS_INITIAL_WINDOW_SIZE) this.#setInitialWindow(entry.value);
        this.#unblock();
        return;
      case 'ping':
        if (frame.id % 2 === 0) this.send(frame);
        else this.#pong(frame.id);
        return;
      case 'goAway':
        this.#pipe.close();
        return this.#end(`the server ended the session (GOAWAY status ${frame.status})`);
      case 'windowUpdate':
        this.#windowUpdate(frame.streamId, frame.delta);
        return;
    }
  }

  #inflate(block: Buffer): void {
    try {
      this.#inflater.decompress(block);
    } catch (error) {
      this.#pipe.close();
      this.#end(`protocol error: ${(error as Error).message}`);
    }
  }

  #pong(id: number): void {
    const resolve = this.#pings.get(id);
    if (!resolve) return;
    this.#pings.delete(id);
    resolve();
    if (this.#pings.size === 0 && this.#pingDeadline) {
      clearTimeout(this.#pingDeadline);
      this.#pingDeadline = null;
    }
  }

  #setInitialWindow(value: number): void {
    this.#flowControlled = true;
    const change = value - this.#peerWindows.initial;
    this.#peerWindows.initial = value;
    for (const stream of this.#streams.values()) stream.sendWindow += change;
  }

  #windowUpdate(streamId: number, delta: number): void {
    this.#flowControlled = true;
    if (streamId === 0) this.#peerWindows.session += delta;
    else {
      const stream = this.#streams.get(streamId);
      if (stream) stream.sendWindow += delta;
    }
    this.#unblock();
  }

  #unblock(): void {
    for (const stream of [...this.#blocked]) {
      this.#blocked.delete(stream);
      this.flush(stream);
    }
  }

  #end(reason: string): void {
    if (this.closed) return;
    this.closed = reason;
    clearInterval(this.#pingTimer);
    this.#deflater.close();
    if (this.#pingDeadline) clearTimeout(this.#pingDeadline);
    for (const stream of [...this.#streams.values()]) stream.fail(`SPDY session ended: ${reason}`);
    this.#pings.clear();
    this.#closeListeners.splice(0).forEach((listener) => listener(reason));
  }
}
