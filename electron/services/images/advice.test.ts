import { describe, expect, it } from 'vitest';
import { REALITY_RESULTS } from '#contract/images.js';
import { OPERATOR_MIRROR, chartAdvice, imageAdvice } from './advice.js';

// A packaged app ignores the test hooks' variables and cannot edit its resources: a fix names neither.
const UNUSABLE = /LOGCLAW_|resources\/stack\.yaml|operators\[\]/;

describe('advice', () => {
  it.each(REALITY_RESULTS)('for a chart that is %s names what a packaged app can change', (result) => {
    const fix = chartAdvice('https://charts.example.com/', { result, retryAt: 0 }, false).fix ?? '';
    expect(fix).not.toMatch(UNUSABLE);
    if (['not-found', 'unauthorized', 'rate-limited', 'digest-differs'].includes(result))
      expect(fix).toContain('Settings → Mirrors, or `logclaw settings set mirrors.operatorCharts URL`');
  });

  it.each(REALITY_RESULTS)("for an operator's image that is %s names the settings' image mirror", (result) => {
    const fix = imageAdvice('quay.io', { result }, { mirror: OPERATOR_MIRROR, proxied: false }).fix ?? '';
    expect(fix).not.toMatch(UNUSABLE);
    if (['not-found', 'unauthorized', 'rate-limited'].includes(result))
      expect(fix).toContain('Settings → Mirrors, or `logclaw settings set mirrors.images HOST[/PATH]`');
  });
});
