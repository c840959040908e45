// How long each step took in earlier runs on this machine: the timeline's ETAs come from here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs-atomic.js';

const KEEP = 5;
const Saved = z.record(z.string(), z.array(z.number()));

export class StepTimings {
  readonly #path: string;
  #saved: Record<string, number[]>;
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'stack', 'timings.json');
    try {
      this.#saved = Saved.parse(JSON.parse(readFileSync(this.#path, 'utf8')));
    } catch {
      this.#saved = {};
    }
  }

  /** The median of the last runs, or null before the first. */
  eta(key: string): number | null {
    const values = [...(this.#saved[key] ?? [])].sort((a, b) => a - b);
    if (values.length === 0) return null;
    const mid = Math.floor(values.length / 2);
    return values.length % 2 ? values[mid]! : Math.round((values[mid - 1]! + values[mid]!) / 2);
  }

  record(key: string, ms: number): Promise<void> {
    this.#saved[key] = [...(this.#saved[key] ?? []), Math.round(ms)].slice(-KEEP);
    const content = JSON.stringify(this.#saved, null, 2);
    this.#writing = this.#writing.catch(() => undefined).then(() => writeFileAtomic(this.#path, content));
    return this.#writing;
  }
}
