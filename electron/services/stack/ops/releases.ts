// helm's release actions, shared by the installer (operators and tenant releases installed or
// upgraded, uninstalled, a release a killed helm left pending repaired before the next install)
// and the doctor (the switch to standalone OpenSearch, the helm-releases fix).
import { setTimeout as sleep } from 'node:timers/promises';
import type { ToolCall } from '../../tools/tools-service.js';
import { type HelmRelease, type HistoryEntry, type RunTool, helmHistory, helmRelease } from '../helm.js';
import { type ResolvedTarget, targetCommand } from '../target.js';

export interface UpgradeSpec {
  release: string;
  chart: string;
  namespace: string;
  /** `--install`: install the release when it does not exist yet. */
  install?: boolean;
  repo?: string;
  version?: string;
  createNamespace?: boolean;
  reuseValues?: boolean;
  valuesFiles?: string[];
  set?: string[];
  timeout?: string;
}

export function helmUpgrade(target: ResolvedTarget, spec: UpgradeSpec): ToolCall {
  return targetCommand(target, 'helm', [
    'upgrade',
    ...(spec.install ? ['--install'] : []),
    spec.release,
    spec.chart,
    ...(spec.repo ? ['--repo', spec.repo] : []),
    ...(spec.version ? ['--version', spec.version] : []),
    '--namespace',
    spec.namespace,
    ...(spec.createNamespace ? ['--create-namespace'] : []),
    ...(spec.reuseValues ? ['--reuse-values'] : []),
    ...(spec.valuesFiles ?? []).flatMap((file) => ['-f', file]),
    ...(spec.set ?? []).flatMap((value) => ['--set', value]),
    ...(spec.timeout ? ['--timeout', spec.timeout] : []),
  ]);
}

export function helmUninstall(target: ResolvedTarget, release: string, namespace: string, timeout: string): ToolCall {
  return targetCommand(target, 'helm', ['uninstall', release, '-n', namespace, '--wait', '--timeout', timeout]);
}

/** Back to `revision`, or to the previous one. */
export function helmRollback(
  target: ResolvedTarget,
  release: string,
  namespace: string,
  revision: number | undefined,
  timeout: string,
): ToolCall {
  return targetCommand(target, 'helm', [
    'rollback',
    release,
    ...(revision === undefined ? [] : [String(revision)]),
    '-n',
    namespace,
    '--timeout',
    timeout,
  ]);
}

/**
 * A release stuck in pending-install/-upgrade/-rollback blocks every later helm operation ("another
 * operation is in progress"); a failed upgrade leaves it "failed". Its way back: roll back to the
 * last good revision, or uninstall a first install that never finished (the next install starts clean).
 */
export interface ReleaseRepair {
  release: HelmRelease;
  action: 'uninstall' | 'rollback';
  to?: number;
}

export function planRepair(release: HelmRelease, history: HistoryEntry[]): ReleaseRepair {
  const good = history
    .filter((entry) => entry.revision < release.revision && (entry.status === 'deployed' || entry.status === 'superseded'))
    .at(-1);
  return release.status === 'pending-install' || !good
    ? { release, action: 'uninstall' }
    : { release, action: 'rollback', to: good.revision };
}

export function repairCommand(target: ResolvedTarget, repair: ReleaseRepair): ToolCall {
  const { name, namespace } = repair.release;
  return repair.action === 'uninstall'
    ? helmUninstall(target, name, namespace, '2m')
    : helmRollback(target, name, namespace, repair.to, '5m');
}

/**
 * The repair a release needs before the next install when a killed helm (the app or CLI was killed)
 * left it pending-*, after a short wait for a helm that may still be finishing; null when it needs none.
 */
export async function pendingRepair(
  run: RunTool,
  target: ResolvedTarget,
  name: string,
  namespace: string,
  waitMs = 10_000,
): Promise<ReleaseRepair | null> {
  let current = await helmRelease(run, target, name, namespace);
  const deadline = Date.now() + waitMs;
  while (current?.status.startsWith('pending-') && Date.now() < deadline) {
    await sleep(1000);
    current = await helmRelease(run, target, name, namespace);
  }
  if (!current?.status.startsWith('pending-')) return null;
  return planRepair(current, await helmHistory(run, target, name, namespace));
}
