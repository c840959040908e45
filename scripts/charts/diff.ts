// npm run charts:diff -- <tenant-file> [--context ctx]
// What installing the tenant file would change in the current kube context: renders the stack
// with the cluster's capabilities (helm template --validate) and runs a server-side `kubectl diff`.
// Exit code 0: no changes, 1: changes (printed as a diff), anything else: an error.
import { findHelm, main, parseArgs, run, runOrThrow } from './lib.js';
import { assertDependenciesPrepared } from './prepared.js';
import { tenantTemplateArgs } from './template.js';

main(import.meta.url, async () => {
  const { options, positionals } = parseArgs(process.argv.slice(2));
  const file = positionals[0];
  if (!file) throw new Error('usage: npm run charts:diff -- <tenant-file> [--context ctx]');
  assertDependenciesPrepared(['logclaw-tenant']);
  const context = options.get('context');
  const kube = context ? ['--kube-context', context] : [];
  const { namespace, args } = tenantTemplateArgs(file);
  const rendered = await runOrThrow(findHelm(), [...args, '--validate', ...kube]);
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  const r = await run(
    kubectl,
    [...(context ? ['--context', context] : []), 'diff', '--server-side', '--force-conflicts', '-n', namespace, '-f', '-'],
    { input: rendered },
  );
  process.stdout.write(r.stdout);
  if (r.exitCode > 1) throw new Error(`kubectl diff failed:\n${r.stderr.trim()}`);
  if (r.exitCode === 0) process.stderr.write(`no changes for namespace ${namespace}\n`);
  process.exitCode = r.exitCode;
});
