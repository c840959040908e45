// One test-env per `npm test` run: test files start the components they need on first use
// (tests/support/test-env.ts) and share them; everything is stopped when the run ends. Servers of
// earlier runs that were killed before this teardown are stopped first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down } from '../../scripts/test-env/env.js';
import { OWNER_FILE } from '../../scripts/test-env/kube/kwok.js';
import { reapAbandoned } from '../../scripts/test-env/reap.js';

export default async function setup(): Promise<() => Promise<void>> {
  await reapAbandoned(tmpdir(), (line) => process.stderr.write(`[test-env] ${line}\n`));
  process.env.LOGCLAW_TEST_RUN_PID = String(process.pid);
  const stateDir = process.env.LOGCLAW_TEST_ENV_DIR ?? mkdtempSync(join(tmpdir(), 'logclaw-test-env-'));
  process.env.LOGCLAW_TEST_ENV_DIR = stateDir;
  writeFileSync(join(stateDir, OWNER_FILE), String(process.pid));
  return async () => {
    await down({ stateDir, log: () => undefined });
  };
}
