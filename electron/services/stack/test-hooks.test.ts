import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../backend.js';
import { TEST_HOOKS, backendEnv, isStandIn, standInsAllowed } from './test-hooks.js';

const HOOKED = {
  PATH: '/usr/bin',
  LOGCLAW_CHARTS_DIR: '/prepared/charts',
  LOGCLAW_OPERATOR_CHART_REPO: 'http://127.0.0.1:9/',
  LOGCLAW_STRIMZI_CRDS_URL: '/tmp/crds.yaml',
  LOGCLAW_ALLOW_STAND_INS: '1',
};

describe('test hooks: honoured from a checkout, ignored by a packaged app', () => {
  it('a checkout (CLI, npm start, tests) keeps them; a packaged app drops exactly them', () => {
    expect(backendEnv(HOOKED, false)).toEqual(HOOKED);
    expect(backendEnv(HOOKED, true)).toEqual({ PATH: '/usr/bin', LOGCLAW_CHARTS_DIR: '/prepared/charts' });
    expect(Object.values(TEST_HOOKS).sort()).toEqual([
      'LOGCLAW_ALLOW_STAND_INS',
      'LOGCLAW_OPERATOR_CHART_REPO',
      'LOGCLAW_PULL_STALL_MS',
      'LOGCLAW_STRIMZI_CRDS_URL',
    ]);
  });

  it('stand-ins only with the explicit permission "1"', () => {
    expect(standInsAllowed(HOOKED)).toBe(true);
    expect(standInsAllowed({ ...HOOKED, LOGCLAW_ALLOW_STAND_INS: 'yes' })).toBe(false);
    expect(standInsAllowed({})).toBe(false);
    expect(standInsAllowed(backendEnv(HOOKED, true))).toBe(false);
    expect(isStandIn('v1.16.1+logclaw-fake')).toBe(true);
    expect(isStandIn('v1.16.1')).toBe(false);
  });

  it('the backend of a packaged app runs without them (main passes app.isPackaged)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'logclaw-hooks-'));
    try {
      for (const packaged of [true, false]) {
        const backend = await createBackend({ transport: 'cli', dataDir, env: HOOKED, packaged });
        try {
          expect(backend.env[TEST_HOOKS.operatorChartRepo]).toBe(packaged ? undefined : HOOKED.LOGCLAW_OPERATOR_CHART_REPO);
          expect(standInsAllowed(backend.env)).toBe(!packaged);
        } finally {
          await backend.close();
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
