// SpdyTunnel end to end against a FAKE API server on this machine: it accepts the tunnel upgrade,
// speaks SPDY with our framing (and fflate's inflate for the header blocks it reads), and dials the
// `port` header on 127.0.0.1 like the kubelet dials the pod; a failed dial is reported on the error
// stream. The real API server is exercised in tests/forwards/spdy.test.ts.
import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, createServer as createHttpServer } from 'node:http';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { Unzlib } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { type Frame, FrameReader, encodeFrame } from './framing.js';
import { decodeHeaderBlock } from './headers.js';
import { SpdyTunnel, TUNNEL_PROTOCOL } from './tunnel.js';

/** FAKE API server: the tunnel endpoint only. */
function fakeApiServer(): { server: Server; upgrades: string[]; streams: Record<string, string>[] } {
  const upgrades: string[] = [];
  const streams: Record<string, string>[] = [];
  const server = createHttpServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    upgrades.push(`${req.url} ${req.headers['sec-websocket-protocol']}`);
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}\r\n\r\n`,
    );
    const send = (frame: Frame) => {
      const payload = encodeFrame(frame);
      const head =
        payload.length < 126 ? Buffer.from([0x82, payload.length]) : Buffer.from([0x82, 126, payload.length >> 8, payload.length & 0xff]);
      socket.write(Buffer.concat([head, payload]));
    };
    const reader = new FrameReader();
    let inflated: Buffer[] = [];
    const inflate = new Unzlib({ dictionary: SPDY3_DICTIONARY }, (chunk) => inflated.push(Buffer.from(chunk)));
    const pods = new Map<string, { error?: number; data?: number; tcp?: Socket }>();
    const byStream = new Map<number, Socket>();
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Client frames: masked, at most 16-bit lengths in this test.
      while (pending.length >= 6) {
        const opcode = pending[0]! & 0x0f;
        let length = pending[1]! & 0x7f;
        let at = 2;
        if (length === 126) {
          length = pending.readUInt16BE(2);
          at = 4;
        }
        if (length === 127) throw new Error('FAKE API server: frame too large for this test');
        if (pending.length < at + 4 + length) break;
        const mask = pending.subarray(at, at + 4);
        const payload = Buffer.from(pending.subarray(at + 4, at + 4 + length).map((byte, i) => byte ^ mask[i & 3]!));
        pending = pending.subarray(at + 4 + length);
        if (opcode === 0x8) return socket.end();
        for (const frame of reader.push(payload)) handle(frame);
      }
    });
    const handle = (frame: Frame): void => {
      if (frame.type === 'synStream') {
        inflate.push(frame.headerBlock);
        const headers = decodeHeaderBlock(Buffer.concat(inflated));
        inflated = [];
        streams.push(headers);
        send({ type: 'synReply', streamId: frame.streamId, fin: false, headerBlock: Buffer.alloc(0) });
        const pair = pods.get(headers.requestid!) ?? {};
        pods.set(headers.requestid!, pair);
        if (headers.streamtype === 'error') pair.error = frame.streamId;
        else {
          pair.data = frame.streamId;
          const tcp = connect(Number(headers.port), '127.0.0.1');
          pair.tcp = tcp;
          byStream.set(frame.streamId, tcp);
          tcp.on('data', (data: Buffer) => send({ type: 'data', streamId: pair.data!, fin: false, data }));
          // Like the kubelet: the error stream ends when the pod side is done; the data stream's FIN
          // is left out, as the environment's docs found it late or missing.
          tcp.on('end', () => send({ type: 'data', streamId: pair.error!, fin: true, data: Buffer.alloc(0) }));
          tcp.on('error', (error) => {
            send({ type: 'data', streamId: pair.error!, fin: false, data: Buffer.from(`dial failed: ${error.message}`) });
            send({ type: 'data', streamId: pair.error!, fin: true, data: Buffer.alloc(0) });
          });
        }
      } else if (frame.type === 'data') {
        const tcp = byStream.get(frame.streamId);
        if (frame.data.length) tcp?.write(frame.data);
        if (frame.fin) tcp?.end();
      } else if (frame.type === 'ping') send(frame);
    };
  });
  return { server, upgrades, streams };
}

describe('SPDY tunnel (FAKE API server)', () => {
  let api: ReturnType<typeof fakeApiServer>;
  let echo: ReturnType<typeof createServer>;
  let tunnel: SpdyTunnel;
  let local: ReturnType<typeof createServer>;
  const failures: string[] = [];

  beforeAll(async () => {
    api = fakeApiServer();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    // The "pod": answers each connection with its input reversed, then closes.
    echo = createServer({ allowHalfOpen: true }, (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => socket.end(Buffer.from(Buffer.concat(chunks).reverse())));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'fake', token: 'fake' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
      currentContext: 'fake',
    });
    tunnel = new SpdyTunnel(kc, 'shop', { pingIntervalMs: 60_000, pingTimeoutMs: 60_000, upgradeTimeoutMs: 5000 });
  });
  afterAll(() => {
    tunnel?.close();
    local?.close();
    echo?.close();
    api?.server.close();
  });

  /** A local listener whose connections go through the tunnel to `port` on the FAKE pod. */
  async function listen(port: number): Promise<number> {
    local?.close();
    // Half-open like the answer needs: the client ends its side first, then reads.
    local = createServer({ allowHalfOpen: true }, (socket) => {
      const input = socket.pipe(new PassThrough());
      tunnel.connect(
        socket,
        input,
        { pod: 'web', port },
        {
          bytesOut: () => undefined,
          opened: () => undefined,
          refused: (reason) => failures.push(`refused: ${reason}`),
          failed: (reason) => failures.push(reason),
        },
      );
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    return (local.address() as AddressInfo).port;
  }

  function roundTrip(port: number, body: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
      socket.end(body);
    });
  }

  it('carries 50 parallel connections over one upgrade, each a stream pair with its own requestid', async () => {
    const port = await listen((echo.address() as AddressInfo).port);
    const bodies = Array.from({ length: 50 }, (_, i) => Buffer.from(`${i}:`.padEnd(100 + i * 37, String.fromCharCode(97 + (i % 26)))));
    const answers = await Promise.all(bodies.map((body) => roundTrip(port, body)));
    answers.forEach((answer, i) => expect(answer.equals(Buffer.from(bodies[i]!).reverse()), `answer ${i}`).toBe(true));
    expect(api.upgrades).toEqual([`/api/v1/namespaces/shop/pods/web/portforward ${TUNNEL_PROTOCOL}`]);
    expect(tunnel.sessionsOpened).toBe(1);
    const echoPort = String((echo.address() as AddressInfo).port);
    // Error stream first, then data, per connection, each pair sharing a requestid.
    expect(api.streams.slice(0, 2)).toEqual([
      { streamtype: 'error', port: echoPort, requestid: '0' },
      { streamtype: 'data', port: echoPort, requestid: '0' },
    ]);
    expect(new Set(api.streams.map((headers) => headers.requestid)).size).toBe(50);
    expect(failures).toEqual([]);
  });

  it('ends the connection with the error the server reports for a failed dial', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();
    const port = await listen(deadPort);
    expect((await roundTrip(port, Buffer.from('hello'))).length).toBe(0);
    expect(failures.at(-1)).toMatch(/^pod\/web: dial failed: connect ECONNREFUSED/);
    expect(tunnel.sessionsOpened).toBe(1);
  });
});
