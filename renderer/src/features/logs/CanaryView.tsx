// The canary: start/stop a low-rate continuous trace, its health, and per-hop delivered, missing,
// duplicated, out of order, pending and latency percentiles. CanaryIndicator is the compact health
// shown in the top bar.
import { useState } from 'react';
import { ErrorLine } from '../../components/ErrorLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';
import { healthTone, ms } from './format.js';

export function CanaryView() {
  const { canary, canaryError } = useStore((s) => s.logs);
  const start = useStore((s) => s.logsStartCanary);
  const stop = useStore((s) => s.logsStopCanary);
  const [interval, setEvery] = useState('2000');
  const running = canary?.state === 'running' || canary?.state === 'starting';
  return (
    <section className="lg-card lg-canary" aria-labelledby="lg-canary-title">
      <h3 id="lg-canary-title">Canary</h3>
      <div className="lg-actions">
        <label>
          Every{' '}
          <select aria-label="Canary interval" value={interval} onChange={(event) => setEvery(event.target.value)} disabled={running}>
            <option value="500">0.5 s</option>
            <option value="1000">1 s</option>
            <option value="2000">2 s</option>
            <option value="10000">10 s</option>
          </select>
        </label>
        {running ? (
          <button type="button" className="danger" onClick={() => void stop()}>
            Stop canary
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void start({ intervalMs: Number(interval) })}>
            Start canary
          </button>
        )}
        {canary && (
          <span className="lg-health" role="status" aria-label="Canary health">
            <StatusDot tone={healthTone(canary.health)} title={canary.healthReason} /> {canary.health} · {canary.healthReason}
          </span>
        )}
      </div>
      {canaryError && <ErrorLine error={canaryError} />}
      {canary && canary.runId ? (
        <>
          <table className="table lg-canary-table" aria-label="Canary per hop">
            <thead>
              <tr>
                <th>Hop</th>
                <th className="num">
                  <abbr title="Delivered: seen at this hop">Deliv.</abbr>
                </th>
                <th className="num">Missing</th>
                <th className="num">
                  <abbr title="Duplicated: seen more than once">Dup.</abbr>
                </th>
                <th className="num">
                  <abbr title="Out of order: seen after a later one">Reord.</abbr>
                </th>
                <th className="num">
                  <abbr title="Pending: not seen yet, still within the deadline">Pend.</abbr>
                </th>
                <th className="num">p50</th>
                <th className="num">p95</th>
                <th className="num">p99</th>
              </tr>
            </thead>
            <tbody>
              {canary.hops.map((hop) => (
                <tr key={hop.hop}>
                  <td>{hop.hop}</td>
                  <td className="num">{hop.delivered}</td>
                  <td className={hop.missing ? 'num lg-bad-text' : 'num'}>{hop.missing}</td>
                  <td className={hop.duplicated ? 'num lg-warn-text' : 'num'}>{hop.duplicated}</td>
                  <td className={hop.outOfOrder ? 'num lg-warn-text' : 'num'}>{hop.outOfOrder}</td>
                  <td className="num">{hop.pending}</td>
                  <td className="num">{ms(hop.p50)}</td>
                  <td className="num">{ms(hop.p95)}</td>
                  <td className="num">{ms(hop.p99)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            run <span className="mono">{canary.runId}</span> · {canary.sent} sent every {ms(canary.intervalMs)} · missing after{' '}
            {ms(canary.deadlineMs)} · updated <RelativeTime at={canary.updatedAt} />
          </p>
          {canary.errors.map((error) => (
            <ErrorLine key={error.hop} error={{ ...error, message: `${error.hop}: ${error.message}` }} />
          ))}
        </>
      ) : (
        <p className="muted">
          A canary sends one numbered log every interval and reports, per hop, what was delivered, missing, duplicated or out of order, with
          latency percentiles. Start it to see the pipeline’s health in the top bar.
        </p>
      )}
    </section>
  );
}

/** The compact canary health for the top bar; opens the Logs pane. */
export function CanaryIndicator() {
  const canary = useStore((s) => s.logs.canary);
  const setView = useStore((s) => s.setView);
  if (!canary || canary.state === 'stopped') return null;
  return (
    <button
      type="button"
      className="lg-indicator"
      onClick={() => setView('logs')}
      aria-label={`Canary ${canary.health}: ${canary.healthReason}`}
      title={canary.healthReason}
    >
      <StatusDot tone={healthTone(canary.health)} title={canary.healthReason} /> canary
    </button>
  );
}
