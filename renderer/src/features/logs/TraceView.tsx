// The pipeline trace: one log followed hop by hop, as a latency strip (each hop placed at its
// latency from the send) and a row per hop with what was found or why it stopped there.
import type { TraceHop, TraceResult } from '#contract/logs.js';
import { CopyButton } from '../../components/CopyButton.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';
import { ms } from './format.js';

const TRACE_COMMAND = 'logclaw trace --timeout 30';

function tone(hop: TraceHop): Tone {
  return hop.state === 'ok'
    ? 'ok'
    : hop.state === 'running'
      ? 'busy'
      : hop.state === 'pending' || hop.state === 'skipped'
        ? 'idle'
        : hop.state === 'missing'
          ? 'warn'
          : 'fail';
}

export function LatencyStrip({ result }: { result: TraceResult }) {
  const width = 560;
  const pad = 12;
  const known = result.hops.map((hop) => hop.latencyMs ?? 0);
  const max = Math.max(1, ...known);
  const x = (value: number) => pad + (value / max) * (width - pad * 2);
  const label = result.hops.map((hop) => `${hop.title} ${hop.state}${hop.latencyMs !== null ? ` ${ms(hop.latencyMs)}` : ''}`).join(', ');
  return (
    <svg className="lg-strip" width={width} height={52} role="img" aria-label={`Per-hop latency: ${label}`}>
      <line className="lg-strip-axis" x1={pad} x2={width - pad} y1={24} y2={24} />
      <circle className="lg-strip-dot lg-strip-idle" cx={pad} cy={24} r={3} />
      {result.hops.map((hop, i) => {
        if (hop.latencyMs === null) return null;
        const cx = x(hop.latencyMs);
        const previous = i > 0 ? (result.hops[i - 1]!.latencyMs ?? 0) : 0;
        return (
          <g key={hop.hop}>
            <line className={`lg-strip-seg lg-strip-${tone(hop)}`} x1={x(Math.min(previous, hop.latencyMs))} x2={cx} y1={24} y2={24} />
            <circle className={`lg-strip-dot lg-strip-${tone(hop)}`} cx={cx} cy={24} r={5} />
            {/* Labels alternate above and below the line so close hops stay readable. */}
            <text className="lg-axis" x={cx} y={i % 2 ? 46 : 12} textAnchor={cx > width - 90 ? 'end' : cx < 60 ? 'start' : 'middle'}>
              {hop.hop} {ms(hop.latencyMs)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function TraceView() {
  const { trace } = useStore((s) => s.logs);
  const runTrace = useStore((s) => s.logsTrace);
  const result = trace.result;
  return (
    <section className="lg-card lg-trace" aria-labelledby="lg-trace-title">
      <h3 id="lg-trace-title">Pipeline trace</h3>
      <div className="lg-actions">
        <button type="button" className="primary" disabled={trace.running} onClick={() => void runTrace({ timeoutMs: 30_000 })}>
          {trace.running ? 'Tracing…' : 'Run trace'}
        </button>
        <span className="muted small">
          Sends one log with a trace id to Vector, then finds it in Kafka raw-logs and OpenSearch logclaw-logs-*.
        </span>
        <CopyButton text={TRACE_COMMAND} title={TRACE_COMMAND} label="Copy as command" />
      </div>
      {trace.error && <ErrorLine error={trace.error} />}
      {result ? (
        <div aria-label="Trace result" role="group">
          <p className="small">
            <span className="mono">{result.traceId}</span>
            {result.state === 'complete' && (
              <strong className={result.stoppedAt ? 'lg-bad-text' : 'lg-ok-text'}>
                {' '}
                · {result.stoppedAt ? `stopped at ${result.stoppedAt}` : 'reached every hop'}
              </strong>
            )}
          </p>
          <LatencyStrip result={result} />
          <ol className="lg-hops">
            {result.hops.map((hop) => (
              <li key={hop.hop} aria-label={`Hop ${hop.title}: ${hop.state}`}>
                <StatusDot tone={tone(hop)} title={hop.state} />
                <span className="lg-hop-title">{hop.title}</span>
                <span className="lg-hop-latency mono">{ms(hop.latencyMs)}</span>
                <span className="lg-hop-detail">
                  {hop.state === 'ok' || hop.state === 'running' || hop.state === 'pending' ? (
                    <span className="mono small">{hop.detail}</span>
                  ) : (
                    <>
                      <span className={hop.state === 'skipped' ? 'muted' : 'lg-bad-text'}>{hop.reason}</span>
                      {hop.code && <code className="code small"> {hop.code}</code>}
                      {hop.hint && <div className="hint small muted">{hop.hint}</div>}
                    </>
                  )}
                </span>
              </li>
            ))}
          </ol>
        </div>
      ) : (
        !trace.running && (
          <p className="muted">Each hop’s latency, and where the log stopped with the likely reason, appear here after Run trace.</p>
        )
      )}
    </section>
  );
}
