// <dataDir>/logs.json: the Vector URL saved in the Logs pane and the user's templates (a JsonFile:
// atomic, one write at a time). A file that cannot be read is kept as logs.json.bak (templates are
// never lost) and the pane starts from the built-in templates, with a notice.
import { join } from 'node:path';
import { AppError, type Notice } from '#contract/index.js';
import { type LogEvent, LogsFile, type LogsState, type LogTemplate } from '#contract/logs.js';
import { JsonFile } from '../json-file.js';
import { BUILTIN_TEMPLATES } from './events.js';

export class LogsStore {
  readonly #file: JsonFile<typeof LogsFile>;

  constructor(dataDir: string) {
    this.#file = new JsonFile(join(dataDir, 'logs.json'), LogsFile, ({ problem, backup }) => ({
      id: 'logs-file-corrupt',
      message: `The saved Vector URL and log templates could not be read (${problem}).`,
      hint: `The old file was kept as ${backup}; copy your templates from it. Saving writes a new file.`,
    }));
  }

  get notices(): readonly Notice[] {
    return this.#file.notices;
  }

  async load(): Promise<void> {
    await this.#file.load();
  }

  async state(): Promise<LogsState> {
    await this.load();
    return { vectorUrl: this.#file.value.vectorUrl, templates: this.#templates(), notices: [...this.notices] };
  }

  async vectorUrl(): Promise<string | null> {
    await this.load();
    return this.#file.value.vectorUrl;
  }

  async template(name: string): Promise<LogTemplate> {
    await this.load();
    const found = this.#templates().find((template) => template.name === name);
    if (!found) {
      throw new AppError('NOT_FOUND', `No template "${name}"`, {
        hint: `Templates: ${this.#templates()
          .map((t) => t.name)
          .join(', ')}`,
      });
    }
    return found;
  }

  /** Built-ins first (a user template of the same name replaces one), then the user's, by name. */
  #templates(): LogTemplate[] {
    const own = new Map(this.#file.value.templates.map((template) => [template.name, { ...template, builtin: false }]));
    const builtins = BUILTIN_TEMPLATES.map((template) => own.get(template.name) ?? template);
    const extra = [...own.values()]
      .filter((template) => !BUILTIN_TEMPLATES.some((b) => b.name === template.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    return [...builtins, ...extra];
  }

  async setVectorUrl(url: string | null): Promise<void> {
    await this.#update((data) => ({ ...data, vectorUrl: url === null ? null : url.replace(/\/+$/, '') || url }));
  }

  async saveTemplate(name: string, description: string, event: LogEvent): Promise<void> {
    await this.#update((data) => ({
      ...data,
      templates: [...data.templates.filter((t) => t.name !== name), { name, description, event, builtin: false }],
    }));
  }

  async deleteTemplate(name: string): Promise<void> {
    await this.load();
    if (!this.#file.value.templates.some((t) => t.name === name)) {
      const builtin = BUILTIN_TEMPLATES.some((t) => t.name === name);
      throw new AppError(
        builtin ? 'INVALID_REQUEST' : 'NOT_FOUND',
        builtin ? `"${name}" is a built-in template and cannot be deleted` : `No template "${name}"`,
      );
    }
    await this.#update((data) => ({ ...data, templates: data.templates.filter((t) => t.name !== name) }));
  }

  async #update(change: (data: LogsFile) => LogsFile): Promise<void> {
    await this.#file.update((data) => LogsFile.parse(change(data)));
  }
}
