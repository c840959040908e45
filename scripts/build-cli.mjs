// Bundles the `logclaw` CLI (and so `logclaw serve`) into dist/cli: ESM with code splitting, so each
// command's lazy import() is its own chunk and `logclaw --help` loads none of kafkajs, client-node or
// opensearch. bin/logclaw.mjs runs the bundle; `npm install` builds it through `prepare`.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** esbuild options shared by every Node-side bundle (the CLI here, the Electron main in build-electron.mjs). */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Stack traces need the mappings only; the TypeScript is beside the bundle in a checkout.
  sourcesContent: false,
  logLevel: 'warning',
  // Bundled CommonJS dependencies (kafkajs, client-node…) still call require() for Node built-ins.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUTDIR = join(ROOT, 'dist', 'cli');

/**
 * Builds dist/cli/main.mjs and its chunks. Writes meta.json (esbuild's metafile: the chunk graph,
 * read by the tests) and sources.json (the project files bundled, which bin/logclaw.mjs compares
 * with the bundle's time to tell a stale build).
 */
export async function buildCli() {
  rmSync(CLI_OUTDIR, { recursive: true, force: true }); // chunk names change with their content
  const result = await build({
    ...NODE_BUNDLE,
    absWorkingDir: ROOT,
    format: 'esm',
    splitting: true,
    entryPoints: { main: 'electron/cli/main.ts' },
    outdir: CLI_OUTDIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
  });
  const sources = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/'));
  writeFileSync(join(CLI_OUTDIR, 'meta.json'), JSON.stringify(result.metafile));
  writeFileSync(join(CLI_OUTDIR, 'sources.json'), JSON.stringify(sources));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildCli();
