// Charts whose digest could not be established: the preflight's charts check or an install that
// stopped at one lists them (chart, version, repository, why no digest), and the person can accept
// them once and install, as `logclaw up --accept-chart NAME` does. The app records the acceptance;
// later archives must match the one first installed after it.
import { useState } from 'react';
import type { ChartToAccept, PreflightCheck } from '#contract/stack.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useStore } from '../../store/index.js';

/** The charts the failed checks would pass with once accepted. */
export function chartsToAccept(checks: PreflightCheck[]): ChartToAccept[] {
  return checks.flatMap((check) => (check.status === 'fail' ? (check.accept ?? []) : []));
}

export function ChartAcceptance({ charts }: { charts: ChartToAccept[] }) {
  const install = useStore((s) => s.installStack);
  const busy = useStore((s) => s.stack.busy);
  const [asking, setAsking] = useState(false);
  if (charts.length === 0) return null;
  const names = charts.map((chart) => chart.name);
  const these = charts.length === 1 ? 'this chart' : `these ${charts.length} charts`;
  const command = `logclaw up --accept-chart ${names.join(',')}`;
  return (
    <section className="chart-acceptance" aria-label="Charts to accept">
      <strong>{charts.length === 1 ? 'A chart has no recorded digest' : `${charts.length} charts have no recorded digest`}</strong>
      <div className="small muted">The app cannot check the archive it downloads: it installs it only once you accept it.</div>
      <table className="table" aria-label="Charts without a digest">
        <thead>
          <tr>
            <th>Chart</th>
            <th>Version</th>
            <th>Repository</th>
            <th>Why the digest is unknown</th>
          </tr>
        </thead>
        <tbody>
          {charts.map((chart) => (
            <tr key={chart.name} data-chart={chart.name}>
              <td className="mono nowrap">{chart.name}</td>
              <td className="mono nowrap">{chart.version}</td>
              <td className="mono">{chart.repository}</td>
              <td className="small">{chart.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {asking ? (
        <ConfirmDialog
          title={`Accept ${names.join(', ')} and install`}
          tone="primary"
          confirmLabel="Accept and install"
          busyLabel="Starting…"
          onConfirm={async () => {
            await install(names);
            return useStore.getState().stack.lastError === null;
          }}
          onClose={() => setAsking(false)}
        >
          Installs from the archive downloaded from {charts.length === 1 ? charts[0]!.repository : 'their repositories'} without a digest to
          check it against. The app records your acceptance in its data folder; later archives must match the one installed now. The same as{' '}
          <code>{command}</code>.
        </ConfirmDialog>
      ) : (
        <div className="row-actions">
          <button type="button" onClick={() => setAsking(true)} disabled={busy}>
            Accept {these} and install
          </button>
        </div>
      )}
    </section>
  );
}
