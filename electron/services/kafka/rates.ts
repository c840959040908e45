// Per-topic produce rates from successive high-watermark sums: every topic listing is a sample.
// Bounded: a fixed number of samples per topic, and topics that disappear are forgotten.

export interface Rate {
  rate: number | null;
  history: number[];
}

export class RateTracker {
  readonly #samples = new Map<string, Array<{ at: number; total: number }>>();

  constructor(
    private readonly keep = 30,
    /** Samples closer than this to the previous one are ignored (several windows listing at once). */
    private readonly minSpacingMs = 1_000,
  ) {}

  record(topic: string, total: number, at: number): Rate {
    let samples = this.#samples.get(topic);
    if (!samples) this.#samples.set(topic, (samples = []));
    const last = samples.at(-1);
    // A smaller total means the topic was recreated: start over.
    if (last && total < last.total) samples.length = 0;
    if (!last || total < last.total || at - last.at >= this.minSpacingMs) {
      samples.push({ at, total });
      if (samples.length > this.keep + 1) samples.shift();
    }
    return this.rate(topic);
  }

  rate(topic: string): Rate {
    const samples = this.#samples.get(topic) ?? [];
    const history: number[] = [];
    for (let i = 1; i < samples.length; i++) {
      const seconds = (samples[i]!.at - samples[i - 1]!.at) / 1000;
      history.push(seconds > 0 ? (samples[i]!.total - samples[i - 1]!.total) / seconds : 0);
    }
    return { rate: history.at(-1) ?? null, history };
  }

  /** Forgets topics not in `alive`. */
  retain(alive: Iterable<string>): void {
    const keep = new Set(alive);
    for (const topic of [...this.#samples.keys()]) if (!keep.has(topic)) this.#samples.delete(topic);
  }
}
