// The client session against a FAKE in-memory peer that reads our frames with node's zlib (not our
// codec) and answers with frames we build by hand.
import { constants, createInflate } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { DEFAULT_WINDOW, type Frame, FrameReader, RstStatus, SETTINGS_INITIAL_WINDOW_SIZE, encodeFrame } from './framing.js';
import { decodeHeaderBlock } from './headers.js';
import { type SessionPipe, SpdySession, type StreamHandlers } from './session.js';

/** FAKE peer: collects what the session sends; `deliver` hands it frames as if from the server. */
class FakePeer implements SessionPipe {
  readonly frames: Frame[] = [];
  readonly #reader = new FrameReader();
  readonly #inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
  #handlers: { message?: (data: Buffer) => void; close?: (reason: string) => void } = {};
  closed = false;

  send(data: Buffer): boolean {
    this.frames.push(...this.#reader.push(data));
    return true;
  }
  drain(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
  on(handlers: { message?: (data: Buffer) => void; close?: (reason: string) => void }): void {
    this.#handlers = { ...this.#handlers, ...handlers };
  }
  deliver(...frames: Frame[]): void {
    this.#handlers.message!(Buffer.concat(frames.map(encodeFrame)));
  }
  lose(reason: string): void {
    this.#handlers.close!(reason);
  }
  take<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    const taken = this.frames.filter((frame): frame is Extract<Frame, { type: T }> => frame.type === type);
    this.frames.splice(0, this.frames.length, ...this.frames.filter((frame) => frame.type !== type));
    return taken;
  }
  /** Headers of SYN_STREAMs in wire order, through one node inflate context like the server's. */
  async headers(): Promise<Record<string, string>[]> {
    const out: Record<string, string>[] = [];
    for (const syn of this.take('synStream')) {
      out.push(
        decodeHeaderBlock(
          await new Promise<Buffer>((resolve) => {
            const chunks: Buffer[] = [];
            const onData = (chunk: Buffer) => chunks.push(chunk);
            this.#inflate.on('data', onData);
            this.#inflate.write(syn.headerBlock);
            this.#inflate.flush(constants.Z_SYNC_FLUSH, () => {
              this.#inflate.off('data', onData);
              resolve(Buffer.concat(chunks));
            });
          }),
        ),
      );
    }
    return out;
  }
}

const TIMING = { pingIntervalMs: 1000, pingTimeoutMs: 500 };

function recorder() {
  const events: string[] = [];
  const data: Buffer[] = [];
  const handlers: StreamHandlers = {
    data: (chunk, consumed) => {
      data.push(chunk);
      consumed();
    },
    end: () => events.push('end'),
    reset: (reason) => events.push(`reset: ${reason}`),
  };
  return { events, data, handlers };
}

afterEach(() => vi.useRealTimers());

describe('SPDY client session', () => {
  it('opens streams with odd ids whose headers inflate in order on the peer', async () => {
    const peer = new FakePeer();
    const session = new SpdySession(peer, TIMING);
    for (let i = 0; i < 3; i++) {
      session.open({ streamtype: 'error', port: '80', requestid: String(i) }, recorder().handlers);
      session.open({ streamtype: 'data', port: '80', requestid: String(i) }, recorder().handlers);
    }
    await session.opened();
    expect(peer.frames.map((frame) => (frame.type === 'synStream' ? frame.streamId : frame.type))).toEqual([1, 3, 5, 7, 9, 11]);
    expect(await peer.headers()).toEqual(
      [0, 1, 2].flatMap((i) => [
        { streamtype: 'error', port: '80', requestid: String(i) },
        { streamtype: 'data', port: '80', requestid: String(i) },
      ]),
    );
    session.close();
  });

  it('carries data both ways, half-closes with FIN, and forgets a stream ended both ways', async () => {
    const peer = new FakePeer();
    const session = new SpdySession(peer, TIMING);
    const { events, data, handlers } = recorder();
    const stream = session.open({ streamtype: 'data' }, handlers);
    // Written before the SYN_STREAM is out: held until it is.
    expect(stream.write(Buffer.from('ping'))).toBe(false);
    stream.end();
    expect(peer.frames).toEqual([]);
    await session.opened();
    expect(peer.take('synStream')).toHaveLength(1);
    expect(peer.take('data')).toEqual([
      { type: 'data', streamId: 1, fin: false, data: Buffer.from('ping') },
      { type: 'data', streamId: 1, fin: true, data: Buffer.alloc(0) },
    ]);
    peer.deliver(
      { type: 'synReply', streamId: 1, fin: false, headerBlock: Buffer.alloc(0) },
      { type: 'data', streamId: 1, fin: false, data: Buffer.from('po') },
      { type: 'data', streamId: 1, fin: true, data: Buffer.from('ng') },
    );
    expect(Buffer.concat(data).toString()).toBe('pong');
    expect(events).toEqual(['end']);
    expect(session.activeStreams).toBe(0);
    session.close();
    expect(peer.take('goAway')).toHaveLength(1);
  });

  it('splits large writes into frames and grants window back for data it consumed', async () => {
    const peer = new FakePeer();
    const session = new SpdySession(peer, { ...TIMING, maxFrameBytes: 16 * 1024 });
    const stream = session.open({ streamtype: 'data' }, recorder().handlers);
    await session.opened();
    expect(stream.write(Buffer.alloc(40 * 1024, 1))).toBe(true);
    expect(peer.take('data').map((frame) => frame.data.length)).toEqual([16384, 16384, 8192]);
    const chunk = Buffer.alloc(DEFAULT_WINDOW / 4);
    for (let i = 0; i < 4; i++) peer.deliver({ type: 'data', streamId: 1, fin: false, data: chunk });
    expect(peer.take('windowUpdate')).toEqual([
      { type: 'windowUpdate', streamId: 1, delta: DEFAULT_WINDOW / 2 },
      { type: 'windowUpdate', streamId: 0, delta: DEFAULT_WINDOW / 2 },
      { type: 'windowUpdate', streamId: 1, delta: DEFAULT_WINDOW / 2 },
      { type: 'windowUpdate', streamId: 0, delta: DEFAULT_WINDOW / 2 },
    ]);
    session.close();
  });

  it("keeps to the peer's windows once the peer does flow control, and sends the rest on WINDOW_UPDATE", async () => {
    const peer = new FakePeer();
    const session = new SpdySession(peer, TIMING);
    peer.deliver({ type: 'settings', clear: false, entries: [{ flags: 0, id: SETTINGS_INITIAL_WINDOW_SIZE, value: 1000 }] });
    const stream = session.open({ streamtype: 'data' }, recorder().handlers);
    await session.opened();
    expect(stream.write(Buffer.alloc(2500))).toBe(false);
    expect(peer.take('data').map((frame) => frame.data.length)).toEqual([1000]);
    const drained = stream.drain();
    peer.deliver({ type: 'windowUpdate', streamId: 1, delta: 1000 });
    expect(peer.take('data').map((frame) => frame.data.length)).toEqual([1000]);
    peer.deliver({ type: 'windowUpdate', streamId: 1, delta: 5000 });
    expect(peer.take('data').map((frame) => frame.data.length)).toEqual([500]);
    await drained;
    session.close();
  });

  it('writes without limit to a peer that never shows flow control (the API server)', async () => {
    const peer = new FakePeer();
    const session = new SpdySession(peer, TIMING);
    const stream = session.open({ streamtype: 'data' }, recorder().handlers);
    await session.opened();
    expect(stream.write(Buffer.alloc(3 * DEFAULT_WINDOW))).toBe(true);
    expect(peer.take('data').reduce((sum, frame) => sum + frame.data.length, 0)).toBe(3 * DEFAULT_WINDOW);
    session.close();
  });

  it('reports a reset stream, echoes server pings, and refuses server-initiated streams', async () => {
    const peer = new FakePeer();
    const session = new SpdySession(peer, TIMING);
    const { events, handlers } = recorder();
    session.open({ streamtype: 'data' }, handlers);
    await session.opened();
    peer.deliver(
      { type: 'rstStream', streamId: 1, status: RstStatus.PROTOCOL_ERROR },
      { type: 'ping', id: 2 },
      { type: 'synStream', streamId: 2, associatedId: 0, priority: 0, fin: false, unidirectional: false, headerBlock: Buffer.alloc(0) },
    );
    expect(events).toEqual(['reset: stream reset by the server (status 1)']);
    expect(peer.take('ping')).toEqual([{ type: 'ping', id: 2 }]);
    expect(peer.take('rstStream')).toEqual([{ type: 'rstStream', streamId: 2, status: RstStatus.REFUSED_STREAM }]);
    session.close();
  });

  it('pings on its interval, and ends (failing its streams) when an answer does not come in time', () => {
    vi.useFakeTimers();
    const peer = new FakePeer();
    const session = new SpdySession(peer, TIMING);
    const { events, handlers } = recorder();
    session.open({ streamtype: 'data' }, handlers);
    const closed: string[] = [];
    session.onClose((reason) => closed.push(reason));
    vi.advanceTimersByTime(TIMING.pingIntervalMs);
    const [first] = peer.take('ping');
    expect(first).toEqual({ type: 'ping', id: 1 });
    peer.deliver(first!);
    vi.advanceTimersByTime(TIMING.pingIntervalMs);
    expect(peer.take('ping')).toEqual([{ type: 'ping', id: 3 }]);
    vi.advanceTimersByTime(TIMING.pingTimeoutMs);
    expect(closed).toEqual(['no PING answer within 500 ms']);
    expect(events).toEqual(['reset: SPDY session ended: no PING answer within 500 ms']);
    expect(() => session.open({}, handlers)).toThrow(/closed/);
  });

  it('ends on GOAWAY, on losing the pipe, and on a frame it cannot read', () => {
    const goAway = new FakePeer();
    const a = new SpdySession(goAway, TIMING);
    goAway.deliver({ type: 'goAway', lastGoodStreamId: 0, status: 0 });
    expect(a.closed).toBe('the server ended the session (GOAWAY status 0)');
    expect(goAway.closed).toBe(true);

    const lost = new FakePeer();
    const b = new SpdySession(lost, TIMING);
    lost.lose('connection closed');
    expect(b.closed).toBe('connection closed');

    const garbage = new FakePeer();
    const c = new SpdySession(garbage, TIMING);
    garbage.deliver({ type: 'synReply', streamId: 1, fin: false, headerBlock: Buffer.from('not zlib') });
    expect(c.closed).toMatch(/^protocol error: header block does not inflate/);
  });
});
