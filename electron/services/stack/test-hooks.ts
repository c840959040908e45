// The environment variables through which tests swap what the installer installs, and the one rule
// for them: a backend started from a checkout (the CLI, `npm start`, `logclaw serve`, tests) honours
// them; a packaged app ignores them, because its user never means to install test charts and an
// inherited variable must not make it. Electron's main process tells the backend it is packaged
// (app.isPackaged, passed as BackendOptions.packaged); every other host is a checkout.
export const TEST_HOOKS = {
  /** A chart repository that replaces every operator's (tests serve the FAKE operator charts from one). */
  operatorChartRepo: 'LOGCLAW_OPERATOR_CHART_REPO',
  /** The Strimzi CRD bundle (a URL or a file) instead of the release's. */
  strimziCrdsUrl: 'LOGCLAW_STRIMZI_CRDS_URL',
  /** "1": charts versioned +logclaw-fake (the named FAKE stand-ins) may be installed. */
  allowStandIns: 'LOGCLAW_ALLOW_STAND_INS',
  /** Milliseconds without a byte before the images step kills a pull as stalled (tests use a short window). */
  pullStallMs: 'LOGCLAW_PULL_STALL_MS',
} as const;

/** The build metadata that marks a FAKE stand-in chart's version (tests/fakes/operator-charts, charts/.stand-ins). */
export const STAND_IN_MARK = '+logclaw-fake';

export function isStandIn(version: string): boolean {
  return version.includes(STAND_IN_MARK);
}

/** The environment the backend runs with: a packaged app's without the test hooks. */
export function backendEnv(env: NodeJS.ProcessEnv, packaged: boolean): NodeJS.ProcessEnv {
  if (!packaged) return env;
  const kept = { ...env };
  for (const name of Object.values(TEST_HOOKS)) delete kept[name];
  return kept;
}

/** Whether this process may install FAKE stand-ins: only with the explicit permission (tests pass it). */
export function standInsAllowed(env: NodeJS.ProcessEnv): boolean {
  return env[TEST_HOOKS.allowStandIns] === '1';
}
