// The contract every test-env component implements. `up` runs in one process and `down` in
// another, so everything needed to stop a component must live in the JSON-serialisable `state`.
export type ComponentName = 'tools' | 'kafka' | 'opensearch' | 'kube' | 'vrl' | 'registry' | 'feast';

export interface EnvContext {
  /** Download/build cache shared across runs, e.g. ~/.cache/logclaw-test-env. Key sub-folders by version. */
  cacheRoot: string;
  /** Per-run folder for data and logs; removed by `down`. */
  runDir: string;
  /** A TCP port free on 127.0.0.1 right now. */
  freePort(): Promise<number>;
  /** Progress for humans, written to stderr. */
  log(line: string): void;
}

export interface Running<E = unknown> {
  /** What tests receive, e.g. {brokers: "127.0.0.1:39092"}. */
  endpoint: E;
  /** Detached processes started by `start` (each is a process-group leader); `down` kills them. */
  pids: number[];
  logFiles: string[];
  /** Anything else `stop` needs (JSON only). */
  state?: Record<string, unknown>;
}

export interface Component<E = unknown> {
  name: ComponentName;
  /** Components whose endpoints `start` receives (started first). */
  needs?: ComponentName[];
  /** Download/build into ctx.cacheRoot; idempotent and fast when cached. */
  provision(ctx: EnvContext): Promise<void>;
  /** Start on 127.0.0.1 and resolve once healthy; throw with the log path on failure. */
  start(ctx: EnvContext, deps: Partial<Record<ComponentName, unknown>>): Promise<Running<E>>;
  /** Extra clean-up before the pids are killed (e.g. `kwokctl delete cluster`). */
  stop?(ctx: EnvContext, running: Running<E>): Promise<void>;
}
