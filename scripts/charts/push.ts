// npm run charts:push -- oci://registry/path [--from dir] [--plain-http] [--allow-stand-ins]
// Pushes the packages from `npm run charts:package` (dist/charts) to an OCI registry
// (log in first with `helm registry login`). --plain-http is for a registry without TLS (a local
// test registry); --allow-stand-ins pushes packages that charts:package marked as containing fakes.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findHelm, main, parseArgs, runOrThrow } from './lib.js';
import { PACKAGE_DIR, STAND_INS_MARKER } from './package.js';

main(import.meta.url, async () => {
  const { flags, options, positionals } = parseArgs(process.argv.slice(2));
  const registry = positionals[0];
  if (!registry?.startsWith('oci://'))
    throw new Error('usage: npm run charts:push -- oci://<registry>/<path>, e.g. oci://ghcr.io/logclaw/charts');
  const from = options.get('from') ?? PACKAGE_DIR;
  const packages = readdirSync(from).filter((f) => f.endsWith('.tgz'));
  if (packages.length === 0) throw new Error(`no packages in ${from}: run \`npm run charts:package\` first`);
  const fake = packages.some((f) => f.includes('+logclaw-fake')) || existsSync(join(from, STAND_INS_MARKER));
  if (fake && !flags.has('allow-stand-ins')) throw new Error(`refusing to push FAKE stand-in charts (see ${join(from, STAND_INS_MARKER)})`);
  const helm = findHelm();
  const extra = flags.has('plain-http') ? ['--plain-http'] : [];
  for (const pkg of packages) process.stdout.write(await runOrThrow(helm, ['push', join(from, pkg), registry, ...extra]));
});
