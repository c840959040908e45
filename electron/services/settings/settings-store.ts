import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AppError,
  type Notice,
  Settings,
  type SettingsPatch,
  describeIssues,
} from '../../contract/index.js';
import { writeFileAtomic } from '../fs-atomic.js';

/**
 * Settings live in one JSON file in the data folder. A file that cannot be read as valid settings
 * is never overwritten in place: it is kept as settings.json.bak and defaults are used, with a notice.
 */
export class SettingsStore {
  readonly path: string;
  #current: Settings = Settings.parse({});
  #notices: Notice[] = [];
  #writes: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'settings.json');
  }

  get notices(): readonly Notice[] {
    return this.#notices;
  }

  get current(): Settings {
    return this.#current;
  }

  async load(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.#current;
      throw error;
    }
    let problem: string;
    try {
      const parsed = Settings.safeParse(JSON.parse(text));
      if (parsed.success) {
        this.#current = parsed.data;
        return this.#current;
      }
      problem = describeIssues(parsed.error);
    } catch (error) {
      problem = `not valid JSON (${(error as Error).message})`;
    }
    const backup = `${this.path}.bak`;
    await rename(this.path, backup);
    this.#notices.push({
      id: 'settings-corrupt',
      level: 'warn',
      message: `Your settings file could not be read (${problem}); defaults are in use.`,
      hint: `The old file was kept as ${backup}. Fix or delete it; saving settings writes a new file.`,
    });
    return this.#current;
  }

  /** Applies a patch, validates the result and persists it atomically; writes are serialised. */
  async update(patch: SettingsPatch): Promise<Settings> {
    const next = applyPatch(this.#current, patch);
    const parsed = Settings.safeParse(next);
    if (!parsed.success) {
      throw new AppError('SETTINGS_INVALID', `Settings not saved: ${describeIssues(parsed.error)}`, {
        detail: parsed.error.issues,
      });
    }
    this.#current = parsed.data;
    const snapshot = JSON.stringify(parsed.data, null, 2) + '\n';
    const write = this.#writes.then(() => writeFileAtomic(this.path, snapshot));
    this.#writes = write.catch(() => undefined);
    await write;
    return this.#current;
  }
}

function applyPatch(current: Settings, patch: SettingsPatch): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'toolPaths') continue;
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  if (patch.toolPaths) {
    const toolPaths: Record<string, string> = { ...current.toolPaths };
    for (const [tool, value] of Object.entries(patch.toolPaths)) {
      if (value === null || value === undefined) delete toolPaths[tool];
      else toolPaths[tool] = value;
    }
    next.toolPaths = toolPaths;
  }
  return next;
}
