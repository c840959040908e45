// One test-env per `npm test` run: test files start the components they need on first use
// (tests/support/test-env.ts) and share them; everything is stopped when the run ends.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down } from '../../scripts/test-env/env.js';

export default function setup(): () => Promise<void> {
  const stateDir = process.env.LOGCLAW_TEST_ENV_DIR ?? mkdtempSync(join(tmpdir(), 'logclaw-test-env-'));
  process.env.LOGCLAW_TEST_ENV_DIR = stateDir;
  return async () => {
    await down({ stateDir, log: () => undefined });
  };
}
