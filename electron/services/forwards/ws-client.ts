// A minimal client WebSocket (RFC 6455) over an upgrade we make ourselves: `ws` refuses the
// port-forward tunnel's subprotocol (`SPDY/3.1+portforward.k8s.io`: "/" is not a token character),
// so the request is a plain http(s) request with the Upgrade headers and the kubeconfig's TLS and
// auth, and the upgraded socket is driven here: masked binary frames out, ping/pong, close.
import { createHash, randomBytes } from 'node:crypto';
import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { type RequestOptions, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const Op = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** The server answered the upgrade with something other than 101 and our subprotocol. */
export class UpgradeRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface WsHandlers {
  message: (data: Buffer) => void;
  pong: (data: Buffer) => void;
  close: (reason: string) => void;
}

export function upgrade(url: URL, options: RequestOptions, protocol: string, timeoutMs: number): Promise<WsClient> {
  const key = randomBytes(16).toString('base64');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req: ClientRequest = send(url, {
      ...options,
      method: 'GET',
      timeout: timeoutMs,
      headers: {
        ...options.headers,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Protocol': protocol,
      },
    });
    req.on('timeout', () => req.destroy(new Error(`no upgrade answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk.slice(0, 2000 - body.length)));
      res.on('end', () =>
        reject(
          new UpgradeRefused(`upgrade refused: HTTP ${res.statusCode}${body ? ` ${body.trim().slice(0, 300)}` : ''}`, res.statusCode ?? 0),
        ),
      );
    });
    req.on('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      if (res.headers['sec-websocket-accept'] !== accept) {
        socket.destroy();
        return reject(new UpgradeRefused('upgrade answered with a wrong Sec-WebSocket-Accept', 101));
      }
      if (res.headers['sec-websocket-protocol'] !== protocol) {
        socket.destroy();
        return reject(
          new UpgradeRefused(`server chose subprotocol "${res.headers['sec-websocket-protocol'] ?? ''}", not ${protocol}`, 101),
        );
      }
      resolve(new WsClient(socket, head));
    });
    req.end();
  });
}

export class WsClient {
  readonly #socket: Duplex;
  #pending: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #closed = false;
  #handlers: WsHandlers = { message: () => undefined, pong: () => undefined, close: () => undefined };

  constructor(socket: Duplex, head: Buffer) {
    this.#socket = socket;
    (socket as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', (error: Error) => this.#end(error.message));
    socket.on('close', () => this.#end('connection closed'));
    if (head.length) queueMicrotask(() => this.#read(head));
  }

  on(handlers: Partial<WsHandlers>): void {
    this.#handlers = { ...this.#handlers, ...handlers };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** One binary message; false when the socket's buffer is full (wait for drain()). */
  send(data: Buffer): boolean {
    return this.#frame(Op.binary, data);
  }

  drain(): Promise<void> {
    return this.#closed || !this.#socket.writableNeedDrain
      ? Promise.resolve()
      : new Promise((resolve) => this.#socket.once('drain', resolve));
  }

  ping(data: Buffer = Buffer.alloc(0)): void {
    this.#frame(Op.ping, data);
  }

  close(code = 1000, reason = ''): void {
    if (this.#closed) return;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.#frame(Op.close, payload);
    this.#socket.end();
    this.#end(`closed by us (${code})`);
  }

  #frame(opcode: number, data: Buffer): boolean {
    if (this.#closed) return false;
    const length = data.length;
    const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
    const head = Buffer.alloc(2 + lengthBytes + 4);
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
    if (lengthBytes === 2) head.writeUInt16BE(length, 2);
    if (lengthBytes === 8) head.writeBigUInt64BE(BigInt(length), 2);
    const mask = randomBytes(4);
    mask.copy(head, 2 + lengthBytes);
    return this.#socket.write(Buffer.concat([head, masked(data, mask)]));
  }

  #read(chunk: Buffer): void {
    let buffer = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (!this.#closed && buffer.length >= 2) {
      const fin = (buffer[0]! & 0x80) !== 0;
      const opcode = buffer[0]! & 0x0f;
      if (buffer[1]! & 0x80) return this.#fail('server sent a masked frame');
      let length = buffer[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (buffer.length < 4) break;
        length = buffer.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (buffer.length < 10) break;
        length = Number(buffer.readBigUInt64BE(2));
        at = 10;
      }
      if (buffer.length < at + length) break;
      const payload = buffer.subarray(at, at + length);
      buffer = buffer.subarray(at + length);
      this.#dispatch(opcode, fin, payload);
    }
    this.#pending = Buffer.from(buffer);
  }

  #dispatch(opcode: number, fin: boolean, payload: Buffer): void {
    switch (opcode) {
      case Op.binary:
      case Op.text:
      case Op.continuation:
        this.#fragments.push(payload);
        if (fin) {
          const message = this.#fragments.length === 1 ? payload : Buffer.concat(this.#fragments);
          this.#fragments = [];
          this.#handlers.message(message);
        }
        return;
      case Op.ping:
        this.#frame(Op.pong, payload);
        return;
      case Op.pong:
        this.#handlers.pong(payload);
        return;
      case Op.close: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.#frame(Op.close, payload.subarray(0, 2));
        this.#socket.end();
        this.#end(`closed by the server (${code}${payload.length > 2 ? ` ${payload.subarray(2).toString('utf8')}` : ''})`);
        return;
      }
      default:
        this.#fail(`unknown opcode ${opcode}`);
    }
  }

  #fail(reason: string): void {
    this.#socket.destroy();
    this.#end(reason);
  }

  #end(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.close(reason);
  }
}

function masked(data: Buffer, mask: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  const m0 = mask[0]!;
  const m1 = mask[1]!;
  const m2 = mask[2]!;
  const m3 = mask[3]!;
  const whole = data.length & ~3;
  for (let i = 0; i < whole; i += 4) {
    out[i] = data[i]! ^ m0;
    out[i + 1] = data[i + 1]! ^ m1;
    out[i + 2] = data[i + 2]! ^ m2;
    out[i + 3] = data[i + 3]! ^ m3;
  }
  for (let i = whole; i < data.length; i++) out[i] = data[i]! ^ mask[i & 3]!;
  return out;
}
