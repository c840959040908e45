// One JSON file of app state (settings, saved connections, queries, templates, forwards) and its
// content in memory. Read once; written atomically and in call order; a file that cannot be read
// as valid data is never overwritten in place but kept as <file>.bak, so nothing the user saved is
// lost, and the store starts from the schema's defaults with a warning notice.
import { readFile, rename } from 'node:fs/promises';
import type { z } from 'zod';
import { type Notice, describeIssues } from '#contract/index.js';
import { writeFileAtomic } from './fs-atomic.js';

export interface CorruptFile {
  /** What was wrong, for the notice. */
  problem: string;
  /** Where the old content now is. */
  backup: string;
}

/** The store's own words for a corrupt file: what was lost and what to do. */
export type CorruptNotice = (corrupt: CorruptFile) => Omit<Notice, 'level'>;

export class JsonFile<S extends z.ZodType> {
  readonly path: string;
  readonly #schema: S;
  readonly #corruptNotice: CorruptNotice;
  #value: z.output<S>;
  #notices: Notice[] = [];
  #loaded: Promise<void> | null = null;
  #changes: Promise<unknown> = Promise.resolve();

  /** `schema.parse({})` must give the defaults used when there is no (readable) file. */
  constructor(path: string, schema: S, corruptNotice: CorruptNotice) {
    this.path = path;
    this.#schema = schema;
    this.#corruptNotice = corruptNotice;
    this.#value = schema.parse({});
  }

  /** The current content: defaults until loaded, then only what reached the disk. */
  get value(): z.output<S> {
    return this.#value;
  }

  get notices(): readonly Notice[] {
    return this.#notices;
  }

  /** Reads the file once; later calls wait for the same read. Resolves to the current content. */
  async load(): Promise<z.output<S>> {
    this.#loaded ??= this.#read().then((value) => {
      if (value !== null) this.#value = value;
    });
    await this.#loaded;
    return this.#value;
  }

  /**
   * Applies `change` to the current content and writes the result (temp file + rename, mode 0600).
   * Changes are queued: each applies to the result of the previous one, so two quick saves keep
   * both. A change that throws leaves file and content as they were.
   */
  update(change: (current: z.output<S>) => z.output<S>): Promise<z.output<S>> {
    const next = this.#changes.then(async () => {
      await this.load();
      const value = change(this.#value);
      await writeFileAtomic(this.path, JSON.stringify(value, null, 2) + '\n');
      this.#value = value;
      return value;
    });
    this.#changes = next.catch(() => undefined);
    return next;
  }

  /** null when there is no file yet; a corrupt file is moved to .bak and becomes a notice. */
  async #read(): Promise<z.output<S> | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let problem: string;
    try {
      const parsed = this.#schema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      problem = describeIssues(parsed.error);
    } catch (error) {
      problem = `not valid JSON (${(error as Error).message})`;
    }
    const backup = `${this.path}.bak`;
    await rename(this.path, backup);
    this.#notices.push({ level: 'warn', ...this.#corruptNotice({ problem, backup }) });
    return null;
  }
}
