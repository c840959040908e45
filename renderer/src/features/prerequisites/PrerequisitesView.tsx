import { useState } from 'react';
import type { ToolName, ToolReport } from '#contract/index.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';

const PURPOSE: Record<ToolName, string> = {
  docker: 'Container runtime for kind nodes',
  podman: 'Alternative container runtime',
  kind: 'Creates the local cluster',
  helm: 'Installs operators and the LogClaw charts',
  kubectl: 'Equivalent commands, CRD upgrades',
};

/** One of docker/podman is enough, so a missing runtime is only a failure when the other is missing too. */
export function toolTone(report: ToolReport, reports: ToolReport[]): Tone {
  if (report.ok) return 'ok';
  const runtime = report.name === 'docker' || report.name === 'podman';
  const otherRuntimeOk = runtime && reports.some((r) => r.name !== report.name && (r.name === 'docker' || r.name === 'podman') && r.ok);
  if (otherRuntimeOk) return 'idle';
  return report.found ? 'warn' : 'fail';
}

export function PrerequisitesView() {
  const { reports, status, lastError, checkedAt } = useStore((s) => s.tools);
  const detectTools = useStore((s) => s.detectTools);
  return (
    <section className="view" aria-labelledby="prereq-title">
      <header className="view-header">
        <h1 id="prereq-title">Prerequisites</h1>
        <div className="view-actions">
          {checkedAt && (
            <span className="muted">
              checked <RelativeTime at={checkedAt} />
            </span>
          )}
          <button type="button" onClick={() => void detectTools()} disabled={status === 'loading'}>
            {status === 'loading' ? 'Checking…' : 'Re-check'}
          </button>
        </div>
      </header>
      {lastError && <ErrorLine error={lastError} />}
      <table className="table" aria-label="Tools">
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Version
            </th>
            <th scope="col" className="num">
              Required
            </th>
            <th scope="col">Path</th>
            <th scope="col">Fix</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((report) => (
            <ToolRow key={report.name} report={report} tone={toolTone(report, reports)} />
          ))}
        </tbody>
      </table>
      {status === 'loading' && reports.length === 0 && <p className="muted">Looking for docker, podman, kind, helm and kubectl…</p>}
    </section>
  );
}

function ToolRow({ report, tone }: { report: ToolReport; tone: Tone }) {
  const [editing, setEditing] = useState(false);
  const [path, setPath] = useState(report.path ?? '');
  const updateSettings = useStore((s) => s.updateSettings);
  const statusText = report.ok ? 'ok' : report.found ? 'problem' : 'missing';
  return (
    <tr data-tool={report.name} data-status={statusText}>
      <th scope="row">
        <div>{report.name}</div>
        <div className="muted small">{PURPOSE[report.name]}</div>
      </th>
      <td>
        <StatusDot tone={tone} /> <span>{statusText}</span>
        {report.daemon?.reachable && <div className="muted small">{report.daemon.message}</div>}
      </td>
      <td className="num mono">{report.version ?? '–'}</td>
      <td className="num mono">{report.required ?? '–'}</td>
      <td className="mono small">
        {editing ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void updateSettings({ toolPaths: { [report.name]: path.trim() || null } }).then((saved) => saved && setEditing(false));
            }}
          >
            <input aria-label={`Path to ${report.name}`} value={path} onChange={(event) => setPath(event.target.value)} autoFocus />
            <button type="submit">Save</button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            {report.path ?? '–'} {report.source && <span className="tag">{report.source}</span>}{' '}
            <button type="button" className="link" aria-label={`Set path to ${report.name}`} onClick={() => setEditing(true)}>
              set path
            </button>
          </>
        )}
      </td>
      <td className="small">{report.hint ?? ''}</td>
    </tr>
  );
}
