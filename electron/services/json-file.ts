// One JSON file of app state (settings, saved connections, queries, forwards): written atomically
// and in call order; a file that cannot be read as valid data is never overwritten in place but
// kept as <file>.bak, so nothing the user saved is lost.
import { readFile, rename } from 'node:fs/promises';
import type { z } from 'zod';
import { describeIssues } from '../contract/index.js';
import { writeFileAtomic } from './fs-atomic.js';

export interface CorruptFile {
  /** What was wrong, for the notice. */
  problem: string;
  /** Where the old content now is. */
  backup: string;
}

export class JsonFile<S extends z.ZodType> {
  readonly path: string;
  readonly #schema: S;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(path: string, schema: S) {
    this.path = path;
    this.#schema = schema;
  }

  /** null when there is no file yet; a corrupt file is moved to .bak and reported. */
  async read(): Promise<{ value: z.output<S> | null; corrupt?: CorruptFile }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: null };
      throw error;
    }
    let problem: string;
    try {
      const parsed = this.#schema.safeParse(JSON.parse(text));
      if (parsed.success) return { value: parsed.data };
      problem = describeIssues(parsed.error);
    } catch (error) {
      problem = `not valid JSON (${(error as Error).message})`;
    }
    const backup = `${this.path}.bak`;
    await rename(this.path, backup);
    return { value: null, corrupt: { problem, backup } };
  }

  /** Atomic (temp file + rename, mode 0600) and serialised: concurrent writes land in call order. */
  write(value: z.output<S>): Promise<void> {
    const snapshot = JSON.stringify(value, null, 2) + '\n';
    const write = this.#writes.then(() => writeFileAtomic(this.path, snapshot));
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
