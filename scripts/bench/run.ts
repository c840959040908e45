// npm run bench [-- name…]: runs the benchmark scripts in scripts/bench one after another. Each
// prints ratios measured within its own run; nothing here asserts timings.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .filter((file) => wanted.length === 0 || wanted.includes(file.replace(/\.ts$/, '')));
for (const script of scripts) {
  console.log(`\n== ${script.replace(/\.ts$/, '')}`);
  const result = await execa(process.execPath, ['--import', 'tsx', join(here, script)], { stdio: 'inherit', reject: false });
  if (result.exitCode !== 0) process.exitCode = 1;
}
