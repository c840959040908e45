// Test-env component `vrl`: the VRL runtime (the `vrl` crate's command-line runner) at the release
// the chart's Vector image bundles, built with cargo from crates.io into <cacheRoot>/vrl-<version>.
// Nothing runs: tests call the binary once per event.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component, EnvContext } from '../component.js';
import { cacheIsComplete, markCacheComplete, run, sha256Files } from '../jvm.js';

/** Vector's Cargo.lock at tag v0.38.0 resolves `vrl` to 0.15.0; Cargo.lock here pins that and its dependencies. */
export const VRL_VERSION = '0.15.0';
/** The Vector release whose VRL this is; the chart test checks the chart still pins it. */
export const VECTOR_VERSION = '0.38.0';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCES = ['Cargo.toml', 'Cargo.lock', 'main.rs'].map((f) => path.join(HERE, f));

export interface VrlEndpoint {
  /** The `vrl` binary: `vrl -p program.vrl -i events.ndjson [-o] [-z tz]`. */
  vrl: string;
  /** The vrl crate it is built from. */
  version: string;
  /** The Vector release that bundles that crate. */
  vector: string;
}

function cacheDir(ctx: EnvContext): string {
  return path.join(ctx.cacheRoot, `vrl-${VRL_VERSION}`);
}

function stamp(): string {
  return `vrl ${VRL_VERSION} ${sha256Files(SOURCES)}`;
}

async function provision(ctx: EnvContext): Promise<void> {
  const dir = cacheDir(ctx);
  if (cacheIsComplete(dir, stamp())) return;
  ctx.log(`vrl: building the VRL ${VRL_VERSION} runtime of Vector ${VECTOR_VERSION} with cargo (minutes on a cold cache)`);
  fs.mkdirSync(ctx.cacheRoot, { recursive: true });
  const work = fs.mkdtempSync(path.join(ctx.cacheRoot, '.vrl-'));
  try {
    const target = path.join(work, 'target');
    // --locked: the dependency versions are Vector's, never re-resolved; the clone is only read.
    const args = ['build', '--release', '--locked', '--manifest-path', path.join(HERE, 'Cargo.toml'), '--target-dir', target];
    await run('cargo', args, { onLine: (line) => /^(error|warning: unused)/.test(line) && ctx.log(`  cargo: ${line}`) });
    fs.mkdirSync(path.join(work, 'bin'));
    fs.renameSync(path.join(target, 'release', 'vrl'), path.join(work, 'bin', 'vrl'));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.renameSync(path.join(work, 'bin'), path.join(dir, 'bin'));
    markCacheComplete(dir, stamp());
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const vrl: Component<VrlEndpoint> = {
  name: 'vrl',
  provision,
  async start(ctx) {
    return {
      endpoint: { vrl: path.join(cacheDir(ctx), 'bin', 'vrl'), version: VRL_VERSION, vector: VECTOR_VERSION },
      pids: [],
      logFiles: [],
    };
  },
};

export default vrl;
