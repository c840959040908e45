// npm run charts:push -- oci://registry/path [--from dir]
// Pushes the packages from `npm run charts:package` (dist/charts) to an OCI registry
// (log in first with `helm registry login`).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findHelm, main, parseArgs, runOrThrow } from './lib.js';
import { PACKAGE_DIR } from './package.js';

main(import.meta.url, async () => {
  const { options, positionals } = parseArgs(process.argv.slice(2));
  const registry = positionals[0];
  if (!registry?.startsWith('oci://')) throw new Error('usage: npm run charts:push -- oci://<registry>/<path>, e.g. oci://ghcr.io/logclaw/charts');
  const from = options.get('from') ?? PACKAGE_DIR;
  const packages = readdirSync(from).filter((f) => f.endsWith('.tgz'));
  if (packages.length === 0) throw new Error(`no packages in ${from}: run \`npm run charts:package\` first`);
  if (packages.some((f) => f.includes('+logclaw-fake'))) throw new Error('refusing to push FAKE stand-in charts');
  const helm = findHelm();
  for (const pkg of packages) process.stdout.write(await runOrThrow(helm, ['push', join(from, pkg), registry]));
});
