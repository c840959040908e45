// Application-level health probes run through a forward's local port: a forward is only "ready"
// when the service behind it answers like itself, not merely when a TCP socket opens.
import { request } from 'node:http';
import { connect } from 'node:net';

export type ProbeOutcome =
  /** The service answered as expected. */
  | { result: 'ok'; detail: string }
  /** The tunnel delivered bytes but the service is unhealthy (HTTP 5xx, cluster red, Kafka error). */
  | { result: 'unhealthy'; detail: string }
  /** Nothing came back through the tunnel: no pod, stream error, connection closed. */
  | { result: 'unreachable'; detail: string };

export interface ProbeSpec {
  kind: 'http' | 'opensearch' | 'kafka' | 'tcp';
  path?: string;
}

export function runProbe(port: number, spec: ProbeSpec, timeoutMs = 3000): Promise<ProbeOutcome> {
  switch (spec.kind) {
    case 'http':
      return httpProbe(port, spec.path ?? '/', timeoutMs, (status) =>
        status < 500 ? { result: 'ok', detail: `HTTP ${status}` } : { result: 'unhealthy', detail: `HTTP ${status}` },
      );
    case 'opensearch':
      return httpProbe(port, '/_cluster/health', timeoutMs, (status, body) => {
        if (status >= 400) return { result: 'unhealthy', detail: `HTTP ${status} from _cluster/health` };
        const health = safeJson(body) as { status?: string } | undefined;
        if (health?.status === 'green' || health?.status === 'yellow') return { result: 'ok', detail: `cluster ${health.status}` };
        return { result: 'unhealthy', detail: `cluster ${health?.status ?? 'answered without a status'}` };
      });
    case 'kafka':
      return kafkaProbe(port, timeoutMs);
    case 'tcp':
      return tcpProbe(port, timeoutMs);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function httpProbe(
  port: number,
  path: string,
  timeoutMs: number,
  judge: (status: number, body: string) => ProbeOutcome,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs, agent: false, headers: { Connection: 'close' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 64 * 1024) body += chunk;
        });
        res.on('end', () => resolve(judge(res.statusCode ?? 0, body)));
        res.on('error', (error) => resolve({ result: 'unreachable', detail: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ result: 'unreachable', detail: describeSocketError(error) }));
    req.end();
  });
}

/** Kafka ApiVersions v0: the smallest request every broker answers, even before authentication. */
function kafkaProbe(port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const clientId = Buffer.from('logclaw-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0); // api_key ApiVersions
  body.writeInt16BE(0, 2); // api_version
  body.writeInt32BE(0x4c43, 4); // correlation id
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const frame = Buffer.concat([Buffer.alloc(4), body]);
  frame.writeInt32BE(body.length, 0);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const finish = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => finish({ result: 'unreachable', detail: `no answer within ${timeoutMs} ms` }));
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 10) return;
      if (received.readInt32BE(4) !== 0x4c43) return finish({ result: 'unhealthy', detail: 'Kafka answered with a wrong correlation id' });
      const errorCode = received.readInt16BE(8);
      finish(
        errorCode === 0
          ? { result: 'ok', detail: 'broker answered ApiVersions' }
          : { result: 'unhealthy', detail: `broker error code ${errorCode}` },
      );
    });
    socket.on('end', () => finish({ result: 'unreachable', detail: 'connection closed before the broker answered' }));
    socket.on('error', (error) => finish({ result: 'unreachable', detail: describeSocketError(error) }));
  });
}

/**
 * Through a tunnel the local accept always succeeds, so a TCP probe holds the connection briefly:
 * a broken tunnel closes it at once, a live one keeps it open (or the server greets us).
 */
function tcpProbe(port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const hold = Math.min(750, timeoutMs);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('connect', () => {
      timer = setTimeout(() => finish({ result: 'ok', detail: 'connection held open' }), hold);
    });
    socket.on('data', () => finish({ result: 'ok', detail: 'server sent data' }));
    socket.on('end', () => finish({ result: 'unreachable', detail: 'connection closed at once' }));
    socket.on('close', () => finish({ result: 'unreachable', detail: 'connection closed at once' }));
    socket.on('error', (error) => finish({ result: 'unreachable', detail: describeSocketError(error) }));
  });
}

function describeSocketError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the tunnel closed the connection';
  if (code === 'ECONNREFUSED') return 'nothing listens on the local port';
  return error.message;
}
