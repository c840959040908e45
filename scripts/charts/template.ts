// npm run charts:template -- <tenant-file> [--out file] [--namespace ns] [--release name] [--api-versions group/version/Kind,...]
// Renders the whole tenant stack (the logclaw-tenant umbrella) from a tenant values file, e.g.
// resources/gitops/tenants/tenant-acme.yaml. Release and namespace default to logclaw-<tenantId>.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { CHARTS_DIR, UMBRELLA, findHelm, main, parseArgs, runOrThrow } from './lib.js';
import { assertDependenciesPrepared } from './prepared.js';

export interface TenantRender {
  release: string;
  namespace: string;
  args: string[];
}

/** The helm arguments that render a tenant file (shared with charts:diff). */
interface TenantTemplateOptions {
  namespace?: string;
  release?: string;
  apiVersions?: string[];
}

export function tenantTemplateArgs(file: string, opts: TenantTemplateOptions = {}): TenantRender {
  const values = (YAML.parse(readFileSync(file, 'utf8')) ?? {}) as { global?: { tenantId?: string } };
  const tenantId = values.global?.tenantId;
  if (!tenantId && !(opts.namespace && opts.release))
    throw new Error(`${file}: global.tenantId is not set (or pass --namespace and --release)`);
  const release = opts.release ?? `logclaw-${tenantId}`;
  const namespace = opts.namespace ?? `logclaw-${tenantId}`;
  const args = ['template', release, join(CHARTS_DIR, UMBRELLA), '--namespace', namespace, '-f', file];
  for (const api of opts.apiVersions ?? []) args.push('--api-versions', api);
  return { release, namespace, args };
}

main(import.meta.url, async () => {
  const { options, positionals } = parseArgs(process.argv.slice(2));
  const file = positionals[0];
  if (!file)
    throw new Error(
      'usage: npm run charts:template -- <tenant-file> [--out file] [--namespace ns] [--release name] [--api-versions g/v/Kind,...]',
    );
  assertDependenciesPrepared([UMBRELLA]);
  const { args } = tenantTemplateArgs(file, {
    namespace: options.get('namespace'),
    release: options.get('release'),
    apiVersions: options.get('api-versions')?.split(',').filter(Boolean),
  });
  const rendered = await runOrThrow(findHelm(), args);
  const out = options.get('out');
  if (out) writeFileSync(out, rendered);
  else process.stdout.write(rendered);
});
