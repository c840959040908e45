// Bundles the Electron main process (ESM) and the sandboxed preload (which must be CommonJS).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', external: ['electron'], sourcemap: true, logLevel: 'info' };
await build({
  ...common,
  format: 'esm',
  entryPoints: ['electron/main/main.ts'],
  outfile: 'dist/electron/main.mjs',
  // Bundled CommonJS dependencies still call require() for Node built-ins.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
});
await build({ ...common, format: 'cjs', entryPoints: ['electron/main/preload.ts'], outfile: 'dist/electron/preload.cjs' });
