// Behind a port-forward, Kafka brokers advertise in-cluster addresses the client cannot reach
// (logclaw-kafka-dev-local-combined-0.logclaw-kafka-dev-local-kafka-brokers.logclaw-dev-local.svc:9092).
// Every connection the Kafka client opens goes through this factory, which sends each advertised
// `host:port` to its local forward `127.0.0.1:<port>`. With a map, an address missing from it
// fails at once with a message naming it, instead of a DNS lookup of an in-cluster name.
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface SocketRequest {
  host: string;
  port: number;
  ssl?: tls.ConnectionOptions | null;
  onConnect: () => void;
}

export type SocketFactory = (request: SocketRequest) => net.Socket;

export interface AddressMapper {
  factory: SocketFactory;
  /** Where `host:port` goes: its mapped address, or itself when unmapped and not strict. */
  resolve(address: string): string | null;
  /** Every address the client asked for and where it went (for tests and "copy details"). */
  readonly log: ReadonlyArray<{ requested: string; connected: string | null }>;
  /** Addresses asked for that had no mapping (strict mode refuses them). */
  readonly unmapped: ReadonlySet<string>;
}

const KEEP_ALIVE_MS = 60_000;
const MAX_LOG = 200;

export function normaliseAddress(address: string): string {
  const { host, port } = splitAddress(address);
  return `${host.toLowerCase()}:${port}`;
}

export function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) throw new Error(`"${address}" is not a host:port address`);
  return { host: match[1]!, port: Number(match[2]) };
}

function joinAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * A kafkajs-compatible socket factory. `addressMap` maps advertised `host:port` to local
 * `host:port`; `strict` (the default when a map is given) refuses unmapped addresses.
 */
export function createAddressMapper(addressMap: Record<string, string> = {}, options: { strict?: boolean } = {}): AddressMapper {
  const map = new Map(Object.entries(addressMap).map(([from, to]) => [normaliseAddress(from), to]));
  const strict = options.strict ?? map.size > 0;
  const log: Array<{ requested: string; connected: string | null }> = [];
  const unmapped = new Set<string>();

  function resolve(address: string): string | null {
    const key = normaliseAddress(address);
    const target = map.get(key);
    if (target) return target;
    if (strict) return null;
    return address;
  }

  const factory: SocketFactory = ({ host, port, ssl, onConnect }) => {
    const requested = joinAddress(host, port);
    const target = resolve(requested);
    if (log.length >= MAX_LOG) log.shift();
    log.push({ requested, connected: target });
    if (target === null) {
      unmapped.add(requested);
      const socket = new net.Socket();
      const known = [...map.keys()].join(', ');
      process.nextTick(() =>
        socket.destroy(new Error(`Kafka broker ${requested} has no local port-forward (forwarded: ${known || 'none'})`)),
      );
      return socket;
    }
    const local = splitAddress(target);
    // TLS still verifies the certificate against the advertised name, not 127.0.0.1.
    const socket = ssl
      ? tls.connect({ host: local.host, port: local.port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : net.connect({ host: local.host, port: local.port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_MS);
    return socket;
  };

  return { factory, resolve, log, unmapped };
}
