// <dataDir>/logs.json: the Vector URL saved in the Logs pane and the user's templates. Written
// atomically (temp file + rename), one write at a time; a file that cannot be read is never
// overwritten in place: it is kept as logs.json.bak (templates are never lost) and the pane starts
// from the built-in templates, with a notice.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type Notice, describeIssues } from '../../contract/index.js';
import { type LogEvent, LogsFile, type LogsState, type LogTemplate } from '../../contract/logs.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { BUILTIN_TEMPLATES } from './events.js';

export class LogsStore {
  readonly path: string;
  #data: LogsFile = LogsFile.parse({});
  #notices: Notice[] = [];
  #loaded: Promise<void> | null = null;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'logs.json');
  }

  get notices(): readonly Notice[] {
    return this.#notices;
  }

  load(): Promise<void> {
    this.#loaded ??= this.#load();
    return this.#loaded;
  }

  async #load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let problem: string;
    try {
      const parsed = LogsFile.safeParse(JSON.parse(text));
      if (parsed.success) {
        this.#data = parsed.data;
        return;
      }
      problem = describeIssues(parsed.error);
    } catch (error) {
      problem = `not valid JSON (${(error as Error).message})`;
    }
    const backup = `${this.path}.bak`;
    await rename(this.path, backup);
    this.#notices.push({
      id: 'logs-file-corrupt',
      level: 'warn',
      message: `The saved Vector URL and log templates could not be read (${problem}).`,
      hint: `The old file was kept as ${backup}; copy your templates from it. Saving writes a new file.`,
    });
  }

  async state(): Promise<LogsState> {
    await this.load();
    return { vectorUrl: this.#data.vectorUrl, templates: this.#templates(), notices: [...this.#notices] };
  }

  async vectorUrl(): Promise<string | null> {
    await this.load();
    return this.#data.vectorUrl;
  }

  async template(name: string): Promise<LogTemplate> {
    await this.load();
    const found = this.#templates().find((template) => template.name === name);
    if (!found) {
      throw new AppError('NOT_FOUND', `No template "${name}"`, { hint: `Templates: ${this.#templates().map((t) => t.name).join(', ')}` });
    }
    return found;
  }

  /** Built-ins first (a user template of the same name replaces one), then the user's, by name. */
  #templates(): LogTemplate[] {
    const own = new Map(this.#data.templates.map((template) => [template.name, { ...template, builtin: false }]));
    const builtins = BUILTIN_TEMPLATES.map((template) => own.get(template.name) ?? template);
    const extra = [...own.values()].filter((template) => !BUILTIN_TEMPLATES.some((b) => b.name === template.name)).sort((a, b) => a.name.localeCompare(b.name));
    return [...builtins, ...extra];
  }

  async setVectorUrl(url: string | null): Promise<void> {
    await this.#update((data) => ({ ...data, vectorUrl: url === null ? null : url.replace(/\/+$/, '') || url }));
  }

  async saveTemplate(name: string, description: string, event: LogEvent): Promise<void> {
    await this.#update((data) => ({ ...data, templates: [...data.templates.filter((t) => t.name !== name), { name, description, event, builtin: false }] }));
  }

  async deleteTemplate(name: string): Promise<void> {
    await this.load();
    if (!this.#data.templates.some((t) => t.name === name)) {
      const builtin = BUILTIN_TEMPLATES.some((t) => t.name === name);
      throw new AppError(builtin ? 'INVALID_REQUEST' : 'NOT_FOUND', builtin ? `"${name}" is a built-in template and cannot be deleted` : `No template "${name}"`);
    }
    await this.#update((data) => ({ ...data, templates: data.templates.filter((t) => t.name !== name) }));
  }

  async #update(change: (data: LogsFile) => LogsFile): Promise<void> {
    await this.load();
    // Queued: each change applies to the result of the previous one (two quick saves keep both).
    const write = this.#writes.then(async () => {
      const next = LogsFile.parse(change(this.#data));
      await writeFileAtomic(this.path, JSON.stringify(next, null, 2) + '\n');
      // Only what reached the disk becomes current.
      this.#data = next;
    });
    this.#writes = write.catch(() => undefined);
    await write;
  }
}
