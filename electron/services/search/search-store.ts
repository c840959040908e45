// <dataDir>/search.json: the saved OpenSearch connection and the saved queries. Written atomically;
// a file that cannot be read is never overwritten in place: it is kept as search.json.bak and the
// pane starts empty, with a notice (like SettingsStore). Readable by the user only (mode 0600): it
// may hold the connection's password.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, type Notice } from '../../contract/index.js';
import { type ConnectionInput, Endpoint, type QuerySpec, SavedQuery } from '../../contract/search.js';
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
  #data: SearchFile = SearchFile.parse({});
  #notices: Notice[] = [];
  #loaded: Promise<void> | null = null;

  constructor(dataDir: string) {
    this.#file = new JsonFile(join(dataDir, 'search.json'), SearchFile);
  }

  get path(): string {
    return this.#file.path;
  }

  get notices(): readonly Notice[] {
    return this.#notices;
  }

  /** Loads once; later calls wait for the same load. */
  load(): Promise<void> {
    this.#loaded ??= this.#load();
    return this.#loaded;
  }

  async #load(): Promise<void> {
    const { value, corrupt } = await this.#file.read();
    if (value) this.#data = value;
    if (corrupt) {
      this.#notices.push({
        id: 'search-file-corrupt',
        level: 'warn',
        message: `The saved OpenSearch connection and queries could not be read (${corrupt.problem}).`,
        hint: `The old file was kept as ${corrupt.backup}; copy your queries from it. Saving writes a new file.`,
      });
    }
  }

  async connection(): Promise<Endpoint | null> {
    await this.load();
    return this.#data.connection;
  }

  /** Saves the connection; an omitted password is kept when URL and user are unchanged. */
  async setConnection(input: ConnectionInput | null): Promise<Endpoint | null> {
    await this.load();
    if (input === null) {
      this.#data = { ...this.#data, connection: null };
    } else {
      const { password, ...rest } = input;
      const previous = this.#data.connection;
      let next = normalizeEndpoint({ ...rest, ...(password ? { password } : {}) });
      if (password === undefined && previous?.password && previous.url === next.url && previous.username === next.username && !next.password) {
        next = { ...next, password: previous.password };
      }
      this.#data = { ...this.#data, connection: next };
    }
    await this.#save();
    return this.#data.connection;
  }

  async savedQueries(): Promise<SavedQuery[]> {
    await this.load();
    return this.#data.savedQueries;
  }

  async saveQuery(name: string, query: QuerySpec, columns: string[]): Promise<SavedQuery[]> {
    await this.load();
    const existing = this.#data.savedQueries.find((saved) => saved.name === name);
    const saved: SavedQuery = { ...query, id: existing?.id ?? randomUUID(), name, columns, savedAt: Date.now() };
    const others = this.#data.savedQueries.filter((item) => item.id !== saved.id);
    this.#data = { ...this.#data, savedQueries: [...others, saved].sort((a, b) => a.name.localeCompare(b.name)) };
    await this.#save();
    return this.#data.savedQueries;
  }

  async deleteQuery(id: string): Promise<SavedQuery[]> {
    await this.load();
    if (!this.#data.savedQueries.some((saved) => saved.id === id)) {
      throw new AppError('NOT_FOUND', `No saved query with id ${id}`, { hint: 'Reload the list of saved queries.' });
    }
    this.#data = { ...this.#data, savedQueries: this.#data.savedQueries.filter((saved) => saved.id !== id) };
    await this.#save();
    return this.#data.savedQueries;
  }

  async #save(): Promise<void> {
    await this.#file.write(this.#data);
  }
}
