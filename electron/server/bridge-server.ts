// Loopback HTTP/WebSocket bridge: serves the built renderer and the contract to a plain browser.
// Only this machine may talk to it: 127.0.0.1 only, a random bearer token per start, and Host/Origin
// checks (against DNS rebinding and foreign pages) before any /api/ routing.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import { AppError, type Envelope, type ErrorCode, type EventPayload, fail } from '#contract/index.js';
import { FRAME_MESSAGES, type FrameMessage, encodeTailFrame } from '#contract/tail-frame.js';
import type { Backend } from '../backend.js';

export interface BridgeOptions {
  backend: Backend;
  /** 0 picks a free port. */
  port?: number;
  /** Folder with the built renderer (index.html + assets). */
  staticDir: string;
  token?: string;
}

export interface Bridge {
  port: number;
  token: string;
  /** The URL a person opens: includes the token once; the UI moves it out of the address bar. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_REQUEST: 400,
  UNKNOWN_CHANNEL: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
};
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => sendEnvelope(res, fail(error)));
  });
  let port = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const guard = checkOrigin(req, port);
    if (guard) return sendEnvelope(res, fail(guard));
    if (url.pathname.startsWith('/api/')) {
      const denied = checkToken(req, url, token);
      if (denied) return sendEnvelope(res, fail(denied));
      const match = /^\/api\/invoke\/([a-z]+:[A-Za-z]+)$/.exec(url.pathname);
      if (!match) return sendEnvelope(res, fail(new AppError('NOT_FOUND', `No API route ${url.pathname}`)), 404);
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        return sendEnvelope(res, fail(new AppError('INVALID_REQUEST', 'Use POST for /api/invoke/<channel>')), 405);
      }
      const payload = await readJson(req);
      return sendEnvelope(res, await options.backend.invoke(match[1]!, payload));
    }
    return serveStatic(options.staticDir, url.pathname, res);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused =
      checkOrigin(req, port) ??
      checkToken(req, url, token) ??
      (url.pathname === '/api/events' ? null : new AppError('NOT_FOUND', 'No such socket'));
    if (refused) {
      const status = STATUS[refused.code] ?? 404;
      socket.end(`HTTP/1.1 ${status} ${refused.code}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = options.backend.bus.onAny((event, payload) => {
        if (ws.readyState !== ws.OPEN) return;
        // Tail batches go as one compact binary frame (see tail-frame.ts); everything else as JSON.
        if (event === 'kafka:messages') ws.send(encodeTailFrame(framed(payload as EventPayload<'kafka:messages'>)));
        else ws.send(JSON.stringify({ event, payload }));
      });
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new AppError('PORT_IN_USE', `Port ${options.port} on 127.0.0.1 is already in use`, {
              hint: 'Pick another with --port, or omit it for a free one.',
            })
          : error,
      );
    });
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A tail batch with the messages as held by the backend (value bytes undecoded) when it has them. */
function framed(batch: EventPayload<'kafka:messages'> & { [FRAME_MESSAGES]?: readonly FrameMessage[] }) {
  const { tailId, seq, scanned, matched } = batch;
  return { tailId, seq, scanned, matched, messages: batch[FRAME_MESSAGES] ?? batch.messages };
}

/** Refuses a Host that is not this loopback server (DNS rebinding) and any foreign Origin. */
function checkOrigin(req: IncomingMessage, port: number): AppError | null {
  const allowed = new Set(LOOPBACK_HOSTS.map((host) => `${host}:${port}`));
  const host = req.headers.host ?? '';
  if (!allowed.has(host.toLowerCase())) {
    return new AppError('FORBIDDEN', `Host "${host}" is not this loopback server`, { hint: `Open http://127.0.0.1:${port}/ instead.` });
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | null = null;
    try {
      const parsed = new URL(origin);
      originHost = parsed.protocol === 'http:' ? parsed.host.toLowerCase() : null;
    } catch {
      originHost = null;
    }
    if (!originHost || !allowed.has(originHost)) {
      return new AppError('FORBIDDEN', `Requests from ${origin} are not allowed`, {
        hint: 'Only the LogClaw UI served by this bridge may call it.',
      });
    }
  }
  return null;
}

function checkToken(req: IncomingMessage, url: URL, token: string): AppError | null {
  const header = req.headers.authorization;
  // Browsers cannot set headers on a WebSocket, so the event socket may carry the token in the query.
  const given = header?.startsWith('Bearer ') ? header.slice(7) : url.pathname === '/api/events' ? url.searchParams.get('token') : null;
  if (given && safeEqual(given, token)) return null;
  return new AppError('UNAUTHORIZED', given ? 'Wrong token' : 'Missing token', {
    hint: 'Open the URL printed by `logclaw serve` (it carries the token).',
  });
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AppError('INVALID_REQUEST', `Request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('INVALID_REQUEST', `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

function sendEnvelope(res: ServerResponse, envelope: Envelope<unknown>, status?: number): void {
  if (res.headersSent) return void res.end();
  const code = envelope.ok ? 200 : (status ?? STATUS[envelope.error.code] ?? 200);
  const body = JSON.stringify(envelope);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<void> {
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  let file = join(root, relative);
  if (!file.startsWith(root + sep) && file !== root) return sendText(res, 404, 'Not found');
  let info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    // Client-side routes fall back to the app shell; missing assets are real 404s.
    if (extname(relative)) return sendText(res, 404, 'Not found');
    file = join(root, 'index.html');
    info = await stat(file).catch(() => null);
    if (!info) return sendText(res, 503, 'The UI is not built yet: run `npm run build:renderer`, then reload.');
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string> = {
    'Content-Type': type,
    'Content-Length': String(info.size),
    'X-Content-Type-Options': 'nosniff',
  };
  if (type.startsWith('text/html')) {
    headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    headers['Cache-Control'] = 'no-store';
    headers['Referrer-Policy'] = 'no-referrer';
  }
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
