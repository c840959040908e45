// A fixed-capacity ring for the live tail: the newest `capacity` items (and at most `maxBytes` of
// them), however many arrive. `total` counts everything ever pushed, for "showing N of M".

export class RingBuffer<T> {
  readonly #items: Array<T | undefined>;
  readonly #sizes: number[];
  #start = 0;
  #size = 0;
  #bytes = 0;
  /** Everything ever pushed since the last clear. */
  total = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes = Number.POSITIVE_INFINITY,
    private readonly sizeOf: (item: T) => number = () => 0,
  ) {
    this.#items = new Array<T | undefined>(capacity);
    this.#sizes = new Array<number>(capacity).fill(0);
  }

  get size(): number {
    return this.#size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  push(items: readonly T[]): void {
    this.total += items.length;
    // Only the newest `capacity` can survive: skip the rest without touching them.
    const from = Math.max(0, items.length - this.capacity);
    for (let i = from; i < items.length; i++) {
      if (this.#size === this.capacity) this.#evict();
      const item = items[i]!;
      const index = (this.#start + this.#size) % this.capacity;
      const bytes = this.sizeOf(item);
      this.#items[index] = item;
      this.#sizes[index] = bytes;
      this.#bytes += bytes;
      this.#size++;
      while (this.#bytes > this.maxBytes && this.#size > 1) this.#evict();
    }
  }

  #evict(): void {
    this.#items[this.#start] = undefined;
    this.#bytes -= this.#sizes[this.#start]!;
    this.#sizes[this.#start] = 0;
    this.#start = (this.#start + 1) % this.capacity;
    this.#size--;
  }

  /** 0 is the oldest kept item. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#items[(this.#start + index) % this.capacity];
  }

  toArray(): T[] {
    return Array.from({ length: this.#size }, (_, i) => this.at(i)!);
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#sizes.fill(0);
    this.#start = 0;
    this.#size = 0;
    this.#bytes = 0;
    this.total = 0;
  }
}
