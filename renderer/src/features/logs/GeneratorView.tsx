// The generator: profile, rate, duration, batching, level/service weights and error bursts; live
// counters (generated, sent, accepted, failed by reason, retried, in flight) and the rate chart.
import { useState } from 'react';
import type { GeneratorSpecInput, LogEvent } from '#contract/logs.js';
import { CopyButton } from '../../components/CopyButton.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { StatusDot } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';
import { compact } from './format.js';
import { RateChart } from './RateChart.js';

const LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG'] as const;

/** "payment-api:4, checkout:3" → weights; null when it does not parse. */
export function parseWeights(text: string): Record<string, number> | null {
  const weights: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, weight = '1'] = part.split(':').map((s) => s.trim());
    const n = Number(weight);
    if (!name || !Number.isFinite(n) || n < 0) return null;
    weights[name] = n;
  }
  return Object.values(weights).some((w) => w > 0) ? weights : null;
}

export function GeneratorView({ template }: { template: LogEvent | null }) {
  const { run, runError } = useStore((s) => s.logs);
  const start = useStore((s) => s.logsStartGenerator);
  const stop = useStore((s) => s.logsStopGenerator);
  const [profile, setProfile] = useState<'steady' | 'burst' | 'ramp'>('steady');
  const [rate, setRate] = useState('1000');
  const [duration, setDuration] = useState('10');
  const [batch, setBatch] = useState('');
  const [format, setFormat] = useState<'json' | 'ndjson'>('json');
  const [levels, setLevels] = useState<Record<string, string>>({ INFO: '70', WARN: '15', ERROR: '10', DEBUG: '5' });
  const [services, setServices] = useState('payment-api:4, checkout:3, auth:2, inventory:1');
  const [burst, setBurst] = useState(false);
  const running = run?.state === 'running' || run?.state === 'stopping';

  const levelWeights = Object.fromEntries(LEVELS.map((level) => [level, Number(levels[level] || 0)]));
  const serviceWeights = parseWeights(services);
  const problems = [
    !(Number(rate) > 0 && Number(rate) <= 200_000) && 'rate must be 1–200 000 events/s',
    !(Number(duration) > 0 && Number(duration) <= 86_400) && 'duration must be 0–86 400 s',
    batch !== '' && !(Number.isInteger(Number(batch)) && Number(batch) >= 1 && Number(batch) <= 5_000) && 'batch must be 1–5 000',
    !Object.values(levelWeights).some((w) => w > 0) && 'give at least one level a weight',
    !serviceWeights && 'services are name:weight, separated by commas',
  ].filter(Boolean) as string[];
  const spec: GeneratorSpecInput = {
    profile,
    rate: Number(rate),
    durationS: Number(duration),
    batchSize: batch === '' ? null : Number(batch),
    format,
    levels: levelWeights,
    services: serviceWeights ?? {},
    errorBurst: burst ? { everyS: 10, lengthS: 2 } : null,
    ...(template ? { template } : {}),
  };
  const command = `logclaw send-log --rate ${rate} --duration ${duration}${profile !== 'steady' ? ` --profile ${profile}` : ''}${format !== 'json' ? ` --format ${format}` : ''}${batch ? ` --batch ${batch}` : ''}`;
  const failedReasons = Object.entries(run?.failedByReason ?? {});

  return (
    <section className="lg-card lg-generator" aria-labelledby="lg-generator-title">
      <h3 id="lg-generator-title">Generator</h3>
      <form
        className="lg-form"
        aria-label="Generator settings"
        onSubmit={(event) => {
          event.preventDefault();
          if (!running && problems.length === 0) void start(spec);
        }}
      >
        <label>
          Profile
          <select aria-label="Profile" value={profile} onChange={(event) => setProfile(event.target.value as typeof profile)}>
            <option value="steady">steady</option>
            <option value="burst">burst (1 s in 5)</option>
            <option value="ramp">ramp (0 → rate)</option>
          </select>
        </label>
        <label>
          Rate (events/s)
          <input aria-label="Rate (events/s)" inputMode="numeric" value={rate} onChange={(event) => setRate(event.target.value)} size={7} />
        </label>
        <label>
          Duration (s)
          <input
            aria-label="Duration (s)"
            inputMode="numeric"
            value={duration}
            onChange={(event) => setDuration(event.target.value)}
            size={5}
          />
        </label>
        <label>
          Batch
          <input aria-label="Batch size" placeholder="auto" value={batch} onChange={(event) => setBatch(event.target.value)} size={5} />
        </label>
        <label>
          Body
          <select aria-label="Body format" value={format} onChange={(event) => setFormat(event.target.value as typeof format)}>
            <option value="json">JSON array</option>
            <option value="ndjson">NDJSON</option>
          </select>
        </label>
        <fieldset className="lg-weights">
          <legend>Levels</legend>
          {LEVELS.map((level) => (
            <label key={level}>
              {level}
              <input
                aria-label={`${level} weight`}
                value={levels[level]}
                size={3}
                onChange={(event) => setLevels({ ...levels, [level]: event.target.value })}
              />
            </label>
          ))}
        </fieldset>
        <label className="lg-grow">
          Services (name:weight)
          <input aria-label="Services" value={services} onChange={(event) => setServices(event.target.value)} />
        </label>
        <label className="lg-check">
          <input type="checkbox" checked={burst} onChange={(event) => setBurst(event.target.checked)} /> Error bursts (2 s of ERRORs every
          10 s)
        </label>
        <div className="lg-actions lg-full">
          <button type="submit" className="primary" disabled={running || problems.length > 0}>
            Start
          </button>
          <button type="button" className="danger" disabled={!running} onClick={() => void stop()}>
            Stop
          </button>
          <CopyButton text={command} title={command} label="Copy as command" />
          {problems.length > 0 && <span className="lg-problem">{problems[0]}</span>}
          {template === null && (
            <span className="muted small">The editor’s event is not an object: events start from an empty template.</span>
          )}
        </div>
      </form>
      {runError && <ErrorLine error={runError} />}
      {run ? (
        <>
          <div className="lg-run-line">
            <StatusDot
              tone={
                run.state === 'running' || run.state === 'stopping'
                  ? 'busy'
                  : run.state === 'done' && run.failed === 0
                    ? 'ok'
                    : run.state === 'failed'
                      ? 'fail'
                      : 'warn'
              }
            />
            <span>
              {run.state} · {(run.elapsedMs / 1000).toFixed(1)} s of {run.spec.durationS} s · {run.spec.profile} {compact(run.spec.rate)}{' '}
              ev/s → <span className="mono">{run.url}</span>
            </span>
          </div>
          <dl className="lg-counters" role="group" aria-label="Generator counters">
            {(
              [
                ['Generated', `${run.generated} / ${run.expected}`],
                ['Sent', run.sent],
                ['Accepted', run.accepted],
                ['Failed', run.failed],
                ['Retried', run.retried],
                ['In flight', run.inFlight],
                ['Accepted rate', `${compact(run.acceptedRate)}/s`],
              ] as const
            ).map(([label, value]) => (
              <div key={label} className={label === 'Failed' && run.failed > 0 ? 'lg-bad' : ''}>
                <dt>{label}</dt>
                <dd aria-label={label}>{value}</dd>
              </div>
            ))}
          </dl>
          {failedReasons.length > 0 && (
            <p className="lg-problem small" aria-label="Failures by reason">
              Failed by reason: {failedReasons.map(([reason, count]) => `${reason} ${count}`).join(', ')}
              {run.lastError && ` · last: ${run.lastError.message}`}
            </p>
          )}
          <RateChart points={run.points} durationMs={run.spec.durationS * 1000} />
          <p className="muted small lg-legend">
            <span className="lg-key lg-key-accepted" /> accepted/s <span className="lg-key lg-key-target" /> target/s{' '}
            <span className="lg-key lg-key-retried" /> retried/s <span className="lg-key lg-key-failed" /> failed/s · sent = accepted +
            failed + in flight
          </p>
        </>
      ) : (
        <p className="muted">Counters and a live rate chart appear here: pick a rate and a duration, then Start.</p>
      )}
    </section>
  );
}
