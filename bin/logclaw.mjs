#!/usr/bin/env node
// Runs the CLI bundled by scripts/build-cli.mjs (`npm install` builds it through `prepare`).
// Source maps point stack traces at the TypeScript. A missing or stale bundle is an error that says
// how to build it: running the sources through tsx at run time cost seconds on every command.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = new URL('../dist/cli/logclaw.mjs', import.meta.url);

function staleSource() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return 'is not built';
  }
  const sources = JSON.parse(readFileSync(new URL('../dist/cli/sources.json', import.meta.url), 'utf8'));
  for (const source of sources) {
    // A source deleted since the build also changes what the bundle should be.
    const changed = statSync(root + source, { throwIfNoEntry: false })?.mtimeMs ?? Infinity;
    if (changed > built) return `is older than ${source}`;
  }
  return null;
}

const stale = staleSource();
if (stale) {
  process.stderr.write(`logclaw: the CLI bundle (dist/cli/logclaw.mjs) ${stale}.\nBuild it with \`npm run build:cli\` in ${root}\n`);
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import(bundle.href);
