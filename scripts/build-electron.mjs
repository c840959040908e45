// Bundles the Electron main process (ESM) and the sandboxed preload (which must be CommonJS), with the
// same Node-side options as the CLI's bundle (scripts/build-cli.mjs).
import { build } from 'esbuild';
import { NODE_BUNDLE } from './build-cli.mjs';

const common = { ...NODE_BUNDLE, external: ['electron'], logLevel: 'info' };
await build({ ...common, format: 'esm', entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.mjs' });
await build({
  ...common,
  banner: undefined,
  format: 'cjs',
  entryPoints: ['electron/main/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
});
