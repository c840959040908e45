// Bundles the `logclaw` CLI (and so `logclaw serve`) into dist/cli: ESM with code splitting, so each
// command's lazy import() is its own chunk and `logclaw --help` loads none of kafkajs, client-node or
// opensearch. bin/logclaw.mjs runs the bundle; `npm install` builds it through `prepare`.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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

/** A chunk no build has written for this long is taken as unused by any CLI still running. */
const KEEP_OLD_CHUNKS_MS = 24 * 3_600_000;

/**
 * Builds dist/cli/logclaw.mjs (or into `outdir`, which must be two folders below the checkout like
 * dist/cli: the backend finds charts/ and resources/ from there) and its chunks. Writes meta.json (esbuild's metafile: the chunk graph,
 * read by the tests) and sources.json (the project files bundled, which bin/logclaw.mjs compares
 * with the bundle's time to tell a stale build).
 *
 * A CLI running meanwhile (a `serve`, another test run's commands) must keep working: every file is
 * written beside its place and renamed into it, logclaw.mjs last, and chunks of earlier builds (their
 * names are content hashes) stay until a day after they were last written, as a running process
 * may still import one.
 */
export async function buildCli(outdir = CLI_OUTDIR) {
  const result = await build({
    ...NODE_BUNDLE,
    absWorkingDir: ROOT,
    format: 'esm',
    splitting: true,
    entryPoints: { logclaw: 'electron/cli/run.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    write: false,
  });
  const sources = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/'));
  const files = [
    ...result.outputFiles.map((file) => ({ path: file.path, contents: file.contents })),
    { path: join(outdir, 'meta.json'), contents: JSON.stringify(result.metafile) },
    { path: join(outdir, 'sources.json'), contents: JSON.stringify(sources) },
  ];
  const entry = join(outdir, 'logclaw.mjs');
  files.sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
  mkdirSync(outdir, { recursive: true });
  for (const file of files) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  const written = new Set(files.map((file) => basename(file.path)));
  for (const name of readdirSync(outdir)) {
    const path = join(outdir, name);
    if (!written.has(name) && statSync(path).mtimeMs < Date.now() - KEEP_OLD_CHUNKS_MS) rmSync(path, { force: true });
  }
}

// node scripts/build-cli.mjs [OUTDIR]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildCli(process.argv[2] ? resolve(process.argv[2]) : CLI_OUTDIR);
