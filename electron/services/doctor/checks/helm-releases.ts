// 10. Helm releases stuck pending-* or failed, repaired as the installer repairs them before an
// install (stack/ops/releases.ts).
import type { Evidence } from '#contract/doctor.js';
import { type HistoryEntry, helmHistory } from '../../stack/helm.js';
import { type ReleaseRepair, planRepair, repairCommand } from '../../stack/ops/releases.js';
import { runs } from '../../stack/ops/shown.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { type CheckDefinition, ok } from '../check.js';
import { listReleases, mask, reader } from '../env.js';

type Repair = ReleaseRepair & { command: ToolCall };

export const helmReleases: CheckDefinition = {
  id: 'helm-releases',
  title: 'Helm releases are deployed',
  explanation:
    'A helm that was killed mid-operation leaves its release "pending-install"/"pending-upgrade", and every later helm command fails with "another operation is in progress"; a failed upgrade leaves it "failed". The fix rolls the release back to its last good revision, or uninstalls a first install that never finished (the next install starts clean).',
  cluster: true,
  async detect(env) {
    const operatorNamespaces = new Set(env.plan.operators.map((op) => op.namespace));
    const releases = (await listReleases(env, 'all')).filter((r) => r.namespace === env.namespace || operatorNamespaces.has(r.namespace));
    if (releases.length === 0) return ok(`No releases in ${env.namespace} or the operator namespaces.`);
    const stuck = releases.filter((r) => r.status.startsWith('pending-') || r.status === 'failed');
    const lines = releases.map((r) => `${r.namespace}/${r.name} revision ${r.revision}: ${r.status}`);
    if (stuck.length === 0) return ok(`${releases.length} release(s) deployed.`, [{ source: 'helm list -a', lines }]);
    const repairs: Repair[] = [];
    const evidence: Evidence[] = [{ source: 'helm list -a', lines }];
    for (const release of stuck) {
      const entries = await helmHistory(reader(env), env.target, release.name, release.namespace).catch(() => [] as HistoryEntry[]);
      evidence.push({
        source: `helm history ${release.name}`,
        lines: entries.slice(-4).map((h) => `${h.revision} ${h.status} ${h.chart}: ${mask(env, h.description)}`),
      });
      const repair = planRepair(release, entries);
      repairs.push({ ...repair, command: repairCommand(env.target, repair) });
    }
    const [first] = repairs;
    return {
      status: 'fail',
      summary: stuck.map((r) => `${r.name} is ${r.status}`).join('; ') + '.',
      evidence,
      data: repairs,
      fix: {
        title:
          repairs.length > 1
            ? 'Repair the releases'
            : first!.action === 'uninstall'
              ? `Uninstall ${first!.release.name}`
              : `Roll back ${first!.release.name}`,
        changes:
          repairs
            .map((p) =>
              p.action === 'uninstall'
                ? `Uninstalls ${p.release.namespace}/${p.release.name} (${p.release.status}, never deployed; install it again from the Stack pane)`
                : `Rolls ${p.release.namespace}/${p.release.name} back to revision ${p.to}`,
            )
            .join('; ') + '.',
        shown: repairs.map((p) => runs(p.command)),
        automatic: true,
      },
    };
  },
  async fix(env, detection, line) {
    for (const repair of detection.data as Repair[]) {
      const { name, namespace } = repair.release;
      await env.exec(repair.command);
      line(
        repair.action === 'uninstall' ? `uninstalled ${namespace}/${name}` : `rolled ${namespace}/${name} back to revision ${repair.to}`,
      );
    }
  },
};
