// One test-env per `npm test` run: test files start the components they need on first use
// (tests/support/test-env.ts) and share them; everything is stopped when the run ends. Servers of
// earlier runs that were killed before this teardown are stopped first. Tests run the CLI compiled, as
// users do: bundled here, once per run, into a folder of the run's own (LOGCLAW_TEST_CLI), so that sources
// edited while the run goes on, or another run's build, change nothing under it. tests/integration/
// compiled-cli.test.ts runs bin/logclaw.mjs itself (dist/cli, with its stale-bundle check).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { sourceRoot } from '../../electron/services/paths.js';
import { down } from '../../scripts/test-env/env.js';
import { OWNER_FILE } from '../../scripts/test-env/kube/kwok.js';
import { reapAbandoned } from '../../scripts/test-env/reap.js';

export default async function setup(): Promise<() => Promise<void>> {
  // Two folders below the checkout, like dist/cli: the backend finds charts/ and resources/ from there.
  const cliDir = join(sourceRoot(), '.tmp', `cli-${process.pid}`);
  await execa(process.execPath, [join(sourceRoot(), 'scripts', 'build-cli.mjs'), cliDir], { stdio: 'inherit' });
  process.env.LOGCLAW_TEST_CLI = join(cliDir, 'logclaw.mjs');
  await reapAbandoned(tmpdir(), (line) => process.stderr.write(`[test-env] ${line}\n`));
  process.env.LOGCLAW_TEST_RUN_PID = String(process.pid);
  const stateDir = process.env.LOGCLAW_TEST_ENV_DIR ?? mkdtempSync(join(tmpdir(), 'logclaw-test-env-'));
  process.env.LOGCLAW_TEST_ENV_DIR = stateDir;
  writeFileSync(join(stateDir, OWNER_FILE), String(process.pid));
  return async () => {
    await down({ stateDir, log: () => undefined });
    rmSync(cliDir, { recursive: true, force: true });
  };
}
