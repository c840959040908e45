import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The renderer is a static bundle: Electron loads it from disk (relative base) and the loopback
// bridge serves the same files to a browser.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // zod's /*#__PURE__*/ annotations sit where Rollup cannot use them: harmless, and noisy in every build.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
});
