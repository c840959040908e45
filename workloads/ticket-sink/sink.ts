// The in-cluster ticket sink: the local profiles point the agent's `webhook` platform at it, so
// tickets are visible without any account. It keeps the newest N requests it received and answers
// like a ticketing system: an id per incident (created once; a repeated Idempotency-Key is answered
// with the first answer and not kept twice).
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: string;
  idempotencyKey: string | null;
  body: unknown;
}

export interface Sink {
  port: number;
  received(): Received[];
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startSink(options: { port: number; host?: string; keep?: number }): Promise<Sink> {
  const keep = options.keep ?? 1000;
  const received: Received[] = [];
  const answered = new Map<string, string>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://sink');
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname === '/health') return send(200, { status: 'ok', received: received.length });
    if (request.method === 'GET' && url.pathname === '/received') return send(200, { received });
    if (request.method !== 'POST') return send(405, { error: 'POST a JSON body to any path; GET /received lists what arrived' });
    readBody(request).then(
      (text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return send(400, { error: 'the body is not JSON' });
        }
        const idempotencyKey = request.headers['idempotency-key']?.toString() ?? null;
        const previous = idempotencyKey ? answered.get(idempotencyKey) : undefined;
        if (previous) return send(200, { ...(JSON.parse(previous) as object), duplicate: true });
        const incident = (body as { incident_key?: unknown }).incident_key;
        const id = typeof incident === 'string' ? incident : `sink-${received.length + 1}`;
        const answer = JSON.stringify({ id, url: `/received#${encodeURIComponent(id)}` });
        received.push({ at: new Date().toISOString(), idempotencyKey, body });
        if (received.length > keep) received.splice(0, received.length - keep);
        if (idempotencyKey) {
          answered.set(idempotencyKey, answer);
          if (answered.size > keep * 4) answered.delete(answered.keys().next().value!);
        }
        send(200, JSON.parse(answer));
      },
      (error: Error) => send(413, { error: error.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    received: () => [...received],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
