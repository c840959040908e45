// The hand-made client WebSocket against a local `ws` server (which refuses unmasked client frames).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { UpgradeRefused, type WsClient, upgrade } from './ws-client.js';

const PROTOCOL = 'v4.channel.k8s.io';
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

async function wsServer(onConnection: (socket: WebSocket) => void, protocols: (offered: Set<string>) => string | false = () => PROTOCOL) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: protocols });
  server.on('connection', onConnection);
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(() => server.close());
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/tunnel`);
}

function messages(client: WsClient, count: number): Promise<Buffer[]> {
  const got: Buffer[] = [];
  return new Promise((resolve) => client.on({ message: (data) => got.push(data) === count && resolve(got) }));
}

describe('client WebSocket over a hand-made upgrade', () => {
  it('sends masked binary messages of every length encoding and reads the echoes, fragmented ones joined', async () => {
    const url = await wsServer((socket) =>
      socket.on('message', (data: Buffer) => {
        socket.send(data.subarray(0, data.length >> 1), { fin: false });
        socket.send(data.subarray(data.length >> 1), { fin: true });
      }),
    );
    const client = await upgrade(url, {}, PROTOCOL, 5000);
    cleanups.push(() => client.close());
    const sizes = [0, 1, 125, 126, 65535, 65536, 3 * 1024 * 1024 + 7];
    const sent = sizes.map((size) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff)));
    const echoes = messages(client, sent.length);
    for (const data of sent) client.send(data);
    const got = await echoes;
    expect(got.map((data) => data.length)).toEqual(sizes);
    expect(got.every((data, i) => data.equals(sent[i]!))).toBe(true);
  });

  it('answers pings, sees pongs, and closes both ways with the code', async () => {
    let connected!: (socket: WebSocket) => void;
    const server = new Promise<WebSocket>((resolve) => (connected = resolve));
    const client = await upgrade(await wsServer((socket) => connected(socket)), {}, PROTOCOL, 5000);
    const socket = await server;
    const serverPong = new Promise<Buffer>((resolve) => socket.once('pong', resolve));
    socket.ping(Buffer.from('srv'));
    expect((await serverPong).toString()).toBe('srv');
    const pong = new Promise<Buffer>((resolve) => client.on({ pong: resolve }));
    client.ping(Buffer.from('cli'));
    expect((await pong).toString()).toBe('cli');
    const closed = new Promise<string>((resolve) => client.on({ close: resolve }));
    socket.close(4001, 'bye');
    expect(await closed).toBe('closed by the server (4001 bye)');
    expect(client.closed).toBe(true);
  });

  it('closes from our side with a code the server sees', async () => {
    let connected!: (socket: WebSocket) => void;
    const server = new Promise<WebSocket>((resolve) => (connected = resolve));
    const client = await upgrade(await wsServer((socket) => connected(socket)), {}, PROTOCOL, 5000);
    const code = new Promise<number>((resolve) => void server.then((socket) => socket.on('close', resolve)));
    await server;
    client.close(1000);
    expect(await code).toBe(1000);
  });

  it('is refused when the server does not choose our subprotocol or answers without upgrading', async () => {
    const noProtocol = await wsServer(
      () => undefined,
      () => false,
    );
    await expect(upgrade(noProtocol, {}, PROTOCOL, 5000)).rejects.toThrow(/server chose subprotocol "", not v4.channel.k8s.io/);

    // FAKE API server: answers every upgrade with 403 like an API server that forbids the tunnel.
    const fake = createServer((_req, res) => res.writeHead(403).end('{"kind":"Status","message":"forbidden"}'));
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => fake.close());
    const refused = await upgrade(new URL(`http://127.0.0.1:${(fake.address() as AddressInfo).port}/x`), {}, PROTOCOL, 5000).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect(refused).toMatchObject({ status: 403, message: 'upgrade refused: HTTP 403 {"kind":"Status","message":"forbidden"}' });
  });
});
