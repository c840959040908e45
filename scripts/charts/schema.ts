// npm run charts:schema [-- <tenant-file>...] [-- --sync-global]
// Validates tenant values files (default: resources/gitops/tenants/tenant-*.yaml) against every
// chart's values.schema.json and the charts' validation rules, by rendering the umbrella with each.
// --sync-global copies charts/logclaw-lib/schema/global.schema.json into every chart's schema
// (Helm can't resolve $refs between files, so each schema embeds it).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHARTS_DIR, INSTALLABLE, LIBRARY, REPO_ROOT, UMBRELLA, findHelm, main, parseArgs, run } from './lib.js';
import { assertDependenciesPrepared } from './prepared.js';

export const GLOBAL_SCHEMA = join(CHARTS_DIR, LIBRARY, 'schema', 'global.schema.json');
export const TENANTS_DIR = join(REPO_ROOT, 'resources', 'gitops', 'tenants');

/** Rewrite properties.global of every chart's values.schema.json; resolves to the charts changed. */
export function syncGlobalSchema(chartsDir = CHARTS_DIR): string[] {
  const global: unknown = JSON.parse(readFileSync(GLOBAL_SCHEMA, 'utf8'));
  const changed: string[] = [];
  for (const chart of INSTALLABLE) {
    const file = join(chartsDir, chart, 'values.schema.json');
    const before = readFileSync(file, 'utf8');
    const schema = JSON.parse(before) as { properties: Record<string, unknown> };
    schema.properties.global = global;
    const after = `${JSON.stringify(schema, null, 2)}\n`;
    if (after !== before) {
      writeFileSync(file, after);
      changed.push(chart);
    }
  }
  return changed;
}

/** Validate one tenant file; resolves to helm's error message, or null when it is valid. */
export async function validateTenantFile(helm: string, file: string): Promise<string | null> {
  const r = await run(helm, ['template', 'logclaw-validate', join(CHARTS_DIR, UMBRELLA), '--namespace', 'logclaw-validate', '-f', file]);
  return r.exitCode === 0 ? null : r.stderr.trim();
}

main(import.meta.url, async () => {
  const { flags, positionals } = parseArgs(process.argv.slice(2));
  if (flags.has('sync-global')) {
    const changed = syncGlobalSchema();
    process.stdout.write(changed.length ? `updated: ${changed.join(', ')}\n` : 'every schema already embeds the global schema\n');
    return;
  }
  assertDependenciesPrepared([UMBRELLA]);
  const files = positionals.length
    ? positionals
    : readdirSync(TENANTS_DIR)
        .filter((f) => /^tenant-.*\.yaml$/.test(f))
        .map((f) => join(TENANTS_DIR, f));
  const helm = findHelm();
  let failed = 0;
  for (const file of files) {
    const error = await validateTenantFile(helm, file);
    if (error) failed++;
    process.stdout.write(error ? `✗ ${file}\n${error}\n\n` : `✓ ${file}\n`);
  }
  if (failed) throw new Error(`${failed} of ${files.length} tenant file(s) are invalid`);
});
