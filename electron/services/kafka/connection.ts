// Where the Kafka connection comes from, in order: a session override (CLI --kafka-brokers, or the
// pane's "connect without saving"), LOGCLAW_KAFKA_BROKERS, the direct bootstrap saved in
// <dataDir>/kafka.json, and finally the installed stack through port-forwards (`discover`).
import { join } from 'node:path';
import { AppError } from '#contract/errors.js';
import { BrokerAddress, type KafkaConnection, KafkaSettings } from '#contract/kafka.js';
import type { Notice } from '#contract/schemas.js';
import { JsonFile } from '../json-file.js';
import { readAdvertisedBrokers } from './adapter.js';

/** What a Kafka client needs: bootstrap addresses and, behind port-forwards, where each advertised broker really is. */
export interface ResolvedConnection {
  brokers: string[];
  /** Advertised `host:port` → local `127.0.0.1:port`. */
  addressMap?: Record<string, string>;
}

/**
 * The seam for the installed stack: the forwards service reads the Strimzi Kafka/KafkaNodePool
 * resources, opens one forward per broker pod, and answers with the bootstrap address(es) plus a map
 * from every advertised broker address to its local forward. Null when there is no stack to reach.
 */
export type DiscoverKafka = () => Promise<ResolvedConnection | null>;

/**
 * Builds the connection for brokers reached through per-broker port-forwards: asks the cluster (via
 * any one forward) what each broker advertises, and maps every advertised address to the forward of
 * the broker with that node id. `forwards` is node id → local address (127.0.0.1:port); `bootstrap`
 * is optional extra names to map to the first forward (e.g. the bootstrap Service's DNS name).
 */
export async function mapForwardedBrokers(
  forwards: Record<number, string>,
  options: { bootstrap?: string[]; read?: (localBootstrap: string) => Promise<Array<{ nodeId: number; host: string; port: number }>> } = {},
): Promise<ResolvedConnection> {
  const locals = Object.entries(forwards).sort(([a], [b]) => Number(a) - Number(b));
  if (locals.length === 0)
    throw new AppError('KAFKA_UNREACHABLE', 'No Kafka broker has a port-forward', { hint: 'Start the Kafka forwards (Forwards pane).' });
  const read = options.read ?? readAdvertisedBrokers;
  const advertised = await read(locals[0]![1]);
  const addressMap: Record<string, string> = {};
  const missing: number[] = [];
  for (const broker of advertised) {
    const local = forwards[broker.nodeId];
    if (local) addressMap[`${broker.host}:${broker.port}`] = local;
    else missing.push(broker.nodeId);
  }
  if (missing.length) {
    throw new AppError(
      'KAFKA_UNREACHABLE',
      `Kafka broker${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ha${missing.length > 1 ? 've' : 's'} no port-forward`,
      {
        hint: 'Every broker pod needs its own forward; restart the Kafka forwards (Forwards pane).',
        detail: { advertised, forwards },
      },
    );
  }
  for (const name of options.bootstrap ?? []) addressMap[name] = locals[0]![1];
  const bootstrap = options.bootstrap?.length ? options.bootstrap : advertised.map((b) => `${b.host}:${b.port}`);
  return { brokers: bootstrap, addressMap };
}

export const ENV_BROKERS = 'LOGCLAW_KAFKA_BROKERS';

export function parseBrokerList(text: string): string[] {
  const brokers = text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    const parsed = BrokerAddress.safeParse(broker);
    if (!parsed.success) {
      throw new AppError('INVALID_REQUEST', `"${broker}" is not a broker address`, {
        hint: 'Write host:port, e.g. 127.0.0.1:9092 (several separated by commas).',
      });
    }
  }
  if (brokers.length === 0)
    throw new AppError('INVALID_REQUEST', 'No broker address given', { hint: 'Write host:port, e.g. 127.0.0.1:9092.' });
  return brokers;
}

export class KafkaConnectionStore {
  readonly #file: JsonFile<typeof KafkaSettings>;
  #session: string[] | null = null;

  constructor(
    dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly discover?: DiscoverKafka,
  ) {
    this.#file = new JsonFile(join(dataDir, 'kafka.json'), KafkaSettings, ({ problem, backup }) => ({
      id: 'kafka-settings-corrupt',
      message: `The Kafka connection file could not be read (${problem}); the default connection is in use.`,
      hint: `The old file was kept as ${backup}. Set the connection again in the Kafka pane.`,
    }));
  }

  get notices(): readonly Notice[] {
    return this.#file.notices;
  }

  get saved(): KafkaSettings {
    return this.#file.value;
  }

  /** Reads kafka.json; a corrupt file is kept as kafka.json.bak, defaults are used, with a notice. */
  async load(): Promise<void> {
    await this.#file.load();
  }

  /** Session-only brokers (CLI --kafka-brokers); null clears the override. */
  setSession(brokers: string[] | null): void {
    this.#session = brokers;
  }

  async save(settings: { mode: 'auto' | 'direct'; brokers: string[] }): Promise<void> {
    const next = KafkaSettings.parse({ schemaVersion: 1, mode: settings.mode, brokers: settings.brokers });
    this.#session = null;
    await this.#file.update(() => next);
  }

  /** Describes the connection that `resolve` would use, without connecting. */
  describe(): KafkaConnection {
    const base = { saved: this.saved, notices: [...this.notices] };
    if (this.#session) {
      return {
        ...base,
        source: 'session',
        brokers: this.#session,
        mapped: false,
        description: 'given for this session (--kafka-brokers)',
        cliFlag: `--kafka-brokers ${this.#session.join(',')}`,
      };
    }
    const fromEnv = this.#envBrokers();
    if (fromEnv) {
      return {
        ...base,
        source: 'env',
        brokers: fromEnv,
        mapped: false,
        description: `from ${ENV_BROKERS}`,
        cliFlag: `--kafka-brokers ${fromEnv.join(',')}`,
      };
    }
    if (this.saved.mode === 'direct' && this.saved.brokers.length) {
      return {
        ...base,
        source: 'saved',
        brokers: this.saved.brokers,
        mapped: false,
        description: 'saved in kafka.json',
        cliFlag: `--kafka-brokers ${this.saved.brokers.join(',')}`,
      };
    }
    if (this.discover) {
      return {
        ...base,
        source: 'discovered',
        brokers: [],
        mapped: true,
        description: "the installed stack's brokers through port-forwards",
        cliFlag: null,
      };
    }
    return { ...base, source: 'none', brokers: [], mapped: false, description: 'no Kafka connection configured', cliFlag: null };
  }

  async resolve(): Promise<ResolvedConnection & { source: KafkaConnection['source'] }> {
    const described = this.describe();
    if (described.source === 'discovered' && this.discover) {
      const found = await this.discover();
      if (found && found.brokers.length) return { ...found, source: 'discovered' };
      throw notConfigured('The LogClaw stack’s Kafka was not found through the current Kubernetes context.');
    }
    if (described.source === 'none') throw notConfigured('No Kafka connection is configured.');
    return { brokers: described.brokers, source: described.source };
  }

  #envBrokers(): string[] | null {
    const raw = this.env[ENV_BROKERS]?.trim();
    if (!raw) return null;
    try {
      return parseBrokerList(raw);
    } catch {
      return null;
    }
  }
}

function notConfigured(message: string): AppError {
  return new AppError('KAFKA_UNREACHABLE', message, {
    hint: 'Pass --kafka-brokers host:port, enter a bootstrap address in the Kafka pane, or install the stack and start its Kafka forward.',
  });
}
