// Bundles each workload of the stack (workloads/) into ONE minified ESM file for node, written into
// the chart that delivers it: the local profiles run it on the official node image from a ConfigMap,
// and workloads/Dockerfile copies the same file into the production image. The files are git-ignored
// and rebuilt by `npm run charts:deps` (npm install, npm start, npm run dist, CI, the chart tests).
//   node scripts/build-workloads.mjs [--charts-dir DIR]   (default: charts/ of this repository)
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Workload entry → the chart (and file in its files/) that delivers it. */
export const WORKLOADS = [
  { entry: 'workloads/anomaly-scorer/main.ts', chart: 'logclaw-anomaly-scorer', file: 'anomaly-scorer.mjs' },
  { entry: 'workloads/ticketing-agent/main.ts', chart: 'logclaw-ticketing-agent', file: 'ticketing-agent.mjs' },
  { entry: 'workloads/ticket-sink/main.ts', chart: 'logclaw-ticketing-agent', file: 'ticket-sink.mjs' },
];

const { values } = parseArgs({ options: { 'charts-dir': { type: 'string', default: join(root, 'charts') } } });
for (const w of WORKLOADS) {
  const outfile = join(resolve(values['charts-dir']), w.chart, 'files', w.file);
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [w.entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    // Bundled CommonJS dependencies (kafkajs) still call require() for Node built-ins.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  process.stdout.write(`${w.entry} → ${outfile}\n`);
}
