import { join } from 'node:path';
import { AppError, type Notice, Settings, type SettingsPatch, describeIssues } from '#contract/index.js';
import { JsonFile } from '../json-file.js';

/**
 * Settings live in one JSON file in the data folder. A file that cannot be read as valid settings
 * is never overwritten in place: it is kept as settings.json.bak and defaults are used, with a notice.
 */
export class SettingsStore {
  readonly #file: JsonFile<typeof Settings>;

  constructor(dataDir: string) {
    this.#file = new JsonFile(join(dataDir, 'settings.json'), Settings, ({ problem, backup }) => ({
      id: 'settings-corrupt',
      message: `Your settings file could not be read (${problem}); defaults are in use.`,
      hint: `The old file was kept as ${backup}. Fix or delete it; saving settings writes a new file.`,
    }));
  }

  get notices(): readonly Notice[] {
    return this.#file.notices;
  }

  get current(): Settings {
    return this.#file.value;
  }

  load(): Promise<Settings> {
    return this.#file.load();
  }

  /** Applies a patch, validates the result and persists it atomically; writes are serialised. */
  update(patch: SettingsPatch): Promise<Settings> {
    return this.#file.update((current) => {
      const parsed = Settings.safeParse(applyPatch(current, patch));
      if (!parsed.success) {
        throw new AppError('SETTINGS_INVALID', `Settings not saved: ${describeIssues(parsed.error)}`, {
          detail: parsed.error.issues,
        });
      }
      return parsed.data;
    });
  }
}

function applyPatch(current: Settings, patch: SettingsPatch): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'toolPaths' || key === 'mirrors') continue;
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  if (patch.toolPaths) next.toolPaths = patchEntries(current.toolPaths, patch.toolPaths);
  if (patch.mirrors) next.mirrors = patchEntries(current.mirrors, patch.mirrors);
  return next;
}

/** A map of optional strings with a patch's entries applied: null or undefined clears one. */
function patchEntries(
  current: Record<string, string | undefined>,
  patch: Record<string, string | null | undefined>,
): Record<string, string> {
  const next: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...current, ...patch })) if (value !== null && value !== undefined) next[key] = value;
  return next;
}
