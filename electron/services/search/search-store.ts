// <dataDir>/search.json: the saved OpenSearch connection and the saved queries (a JsonFile: atomic,
// one write at a time). A file that cannot be read is kept as search.json.bak and the pane starts
// empty, with a notice. Readable by the user only (mode 0600): it may hold the connection's password.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, type Notice } from '#contract/index.js';
import { type ConnectionInput, Endpoint, type QuerySpec, SavedQuery } from '#contract/search.js';
import { JsonFile } from '../json-file.js';
import { normalizeEndpoint } from './endpoint.js';

const SearchFile = z.object({
  schemaVersion: z.literal(1).default(1),
  connection: Endpoint.nullable().default(null),
  savedQueries: z.array(SavedQuery).default([]),
});
type SearchFile = z.infer<typeof SearchFile>;

export class SearchStore {
  readonly #file: JsonFile<typeof SearchFile>;

  constructor(dataDir: string) {
    this.#file = new JsonFile(join(dataDir, 'search.json'), SearchFile, ({ problem, backup }) => ({
      id: 'search-file-corrupt',
      message: `The saved OpenSearch connection and queries could not be read (${problem}).`,
      hint: `The old file was kept as ${backup}; copy your queries from it. Saving writes a new file.`,
    }));
  }

  get notices(): readonly Notice[] {
    return this.#file.notices;
  }

  /** Loads once; later calls wait for the same load. */
  async load(): Promise<void> {
    await this.#file.load();
  }

  async connection(): Promise<Endpoint | null> {
    return (await this.#file.load()).connection;
  }

  /** Saves the connection; an omitted password is kept when URL and user are unchanged. */
  async setConnection(input: ConnectionInput | null): Promise<Endpoint | null> {
    const saved = await this.#file.update((data) => {
      if (input === null) return { ...data, connection: null };
      const { password, ...rest } = input;
      const previous = data.connection;
      let next = normalizeEndpoint({ ...rest, ...(password ? { password } : {}) });
      if (
        password === undefined &&
        previous?.password &&
        previous.url === next.url &&
        previous.username === next.username &&
        !next.password
      ) {
        next = { ...next, password: previous.password };
      }
      return { ...data, connection: next };
    });
    return saved.connection;
  }

  async savedQueries(): Promise<SavedQuery[]> {
    return (await this.#file.load()).savedQueries;
  }

  async saveQuery(name: string, query: QuerySpec, columns: string[]): Promise<SavedQuery[]> {
    const saved = await this.#file.update((data) => {
      const existing = data.savedQueries.find((item) => item.name === name);
      const entry: SavedQuery = { ...query, id: existing?.id ?? randomUUID(), name, columns, savedAt: Date.now() };
      const others = data.savedQueries.filter((item) => item.id !== entry.id);
      return { ...data, savedQueries: [...others, entry].sort((a, b) => a.name.localeCompare(b.name)) };
    });
    return saved.savedQueries;
  }

  async deleteQuery(id: string): Promise<SavedQuery[]> {
    const saved = await this.#file.update((data) => {
      if (!data.savedQueries.some((item) => item.id === id)) {
        throw new AppError('NOT_FOUND', `No saved query with id ${id}`, { hint: 'Reload the list of saved queries.' });
      }
      return { ...data, savedQueries: data.savedQueries.filter((item) => item.id !== id) };
    });
    return saved.savedQueries;
  }
}
