// Test-env component: Feast (CLI and Python feature server) in a virtualenv installed from PyPI with
// every dependency pinned (requirements.txt says why), cached in <cacheRoot>/feast-<version>/venv.
// Nothing is started: tests get the venv's bin folder and run the chart's own container commands.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component, EnvContext } from '../component.js';
import { cacheIsComplete, markCacheComplete, run, sha256Files } from '../jvm.js';

/** The Feast of the chart's image feastdev/feature-server:<version>. */
export const FEAST_VERSION = '0.40.1';

/** The image's Python (python:3.11), which Feast's lock in requirements.txt was compiled for. */
const PYTHON = process.env.LOGCLAW_PYTHON ?? 'python3.11';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REQUIREMENTS = path.join(HERE, 'requirements.txt');

export interface FeastEndpoint {
  /** The virtualenv's bin folder (feast, python): put it first on PATH. */
  bin: string;
  version: string;
}

function venvDir(ctx: EnvContext): string {
  return path.join(ctx.cacheRoot, `feast-${FEAST_VERSION}`, 'venv');
}

async function pythonVersion(): Promise<string> {
  try {
    return (await run(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])'])).trim();
  } catch (error) {
    throw new Error(`feast needs Python 3.11 (${PYTHON} on PATH, or LOGCLAW_PYTHON): ${(error as Error).message}`);
  }
}

async function provision(ctx: EnvContext): Promise<void> {
  const dir = path.dirname(venvDir(ctx));
  const venv = venvDir(ctx);
  const python = await pythonVersion();
  const stamp = `feast ${FEAST_VERSION} python ${python} ${sha256Files([REQUIREMENTS])}`;
  if (cacheIsComplete(dir, stamp)) {
    ctx.log(`[feast] ${FEAST_VERSION} cached in ${venv}`);
    return;
  }
  const t0 = Date.now();
  ctx.log(`[feast] installing feast ${FEAST_VERSION} from PyPI into ${venv} (Python ${python})`);
  // A virtualenv cannot be moved (its scripts name their interpreter by absolute path), so it is
  // built in place and marked complete last; an interrupted build is removed by the next one.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await run(PYTHON, ['-m', 'venv', venv]);
  const pip = path.join(venv, 'bin', 'pip');
  await run(pip, ['install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-q', '-r', REQUIREMENTS]);
  await run(pip, ['check', '--disable-pip-version-check']);
  const version = await run(path.join(venv, 'bin', 'feast'), ['version']);
  if (!version.includes(`"${FEAST_VERSION}"`)) throw new Error(`feast version printed ${version.trim()}, expected ${FEAST_VERSION}`);
  markCacheComplete(dir, stamp);
  ctx.log(`[feast] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const feast: Component<FeastEndpoint> = {
  name: 'feast',
  provision,
  async start(ctx) {
    return { endpoint: { bin: path.join(venvDir(ctx), 'bin'), version: FEAST_VERSION }, pids: [], logFiles: [] };
  },
};

export default feast;
