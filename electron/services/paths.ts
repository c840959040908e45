import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_ID = 'logclaw-desktop';

/**
 * The user data folder. Matches Electron's app.getPath('userData') for this app name, so the
 * window, the bridge and the CLI share settings and jobs. LOGCLAW_HOME overrides (tests, CI).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LOGCLAW_HOME) return resolve(env.LOGCLAW_HOME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_ID);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_ID);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_ID);
}

/** The source checkout: the folder holding charts/ and resources/ (Electron passes its own). */
export function sourceRoot(): string {
  return resolve(fileURLToPath(new URL('../..', import.meta.url)));
}

export function platformKey(platform = process.platform, arch = process.arch): string {
  return `${platform}-${arch}`;
}
