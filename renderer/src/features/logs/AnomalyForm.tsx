// The anomaly producer: a form for the anomaly-events schema (the same zod schema the backend
// validates with), produced to Kafka topic anomaly-events.
import { useState } from 'react';
import { shellWords } from '#contract/command.js';
import { AnomalyEvent, Severity } from '#contract/logs.js';
import { CopyButton } from '../../components/CopyButton.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useStore } from '../../store/index.js';

export function AnomalyForm() {
  const { anomaly } = useStore((s) => s.logs);
  const send = useStore((s) => s.logsSendAnomaly);
  const [id, setId] = useState('');
  const [service, setService] = useState('payment-api');
  const [score, setScore] = useState('0.92');
  const [severity, setSeverity] = useState('critical');
  const [message, setMessage] = useState('Error rate spike to 15%');
  const candidate = {
    anomaly_id: id.trim() || 'ANO-preview',
    service: service.trim(),
    score: score.trim() === '' ? Number.NaN : Number(score),
    severity,
    message,
  };
  const parsed = AnomalyEvent.safeParse(candidate);
  const problems = new Map<string, string>();
  if (!parsed.success) for (const issue of parsed.error.issues) problems.set(String(issue.path[0]), issue.message);
  const field = (name: string) => (problems.has(name) ? { 'aria-invalid': true as const, 'aria-describedby': `lg-an-${name}-error` } : {});
  const error = (name: string) =>
    problems.has(name) ? (
      <span id={`lg-an-${name}-error`} className="lg-problem small">
        {problems.get(name)}
      </span>
    ) : null;
  const command = shellWords([
    'logclaw',
    'send-anomaly',
    '--service',
    service,
    '--severity',
    severity,
    '--score',
    score,
    ...(message ? ['--message', message] : []),
  ]);

  return (
    <section className="lg-card lg-anomaly" aria-labelledby="lg-anomaly-title">
      <h3 id="lg-anomaly-title">Anomaly event → anomaly-events</h3>
      <form
        className="lg-form"
        aria-label="Anomaly event"
        onSubmit={(event) => {
          event.preventDefault();
          if (!parsed.success) return;
          void send({
            ...(id.trim() ? { anomaly_id: id.trim() } : {}),
            service: service.trim(),
            score: Number(score),
            severity: severity as Severity,
            message,
          });
        }}
      >
        <label>
          anomaly_id
          <input aria-label="Anomaly id" placeholder="ANO-<random>" value={id} onChange={(event) => setId(event.target.value)} size={12} />
        </label>
        <label>
          service
          <input
            aria-label="Service"
            value={service}
            onChange={(event) => setService(event.target.value)}
            size={14}
            {...field('service')}
          />
          {error('service')}
        </label>
        <label>
          score (0–1)
          <input
            aria-label="Score"
            inputMode="decimal"
            value={score}
            onChange={(event) => setScore(event.target.value)}
            size={5}
            {...field('score')}
          />
          {error('score')}
        </label>
        <label>
          severity
          <select aria-label="Severity" value={severity} onChange={(event) => setSeverity(event.target.value)}>
            {Severity.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <label className="lg-grow">
          message
          <input aria-label="Message" value={message} onChange={(event) => setMessage(event.target.value)} {...field('message')} />
        </label>
        <div className="lg-actions lg-full">
          <button type="submit" className="primary" disabled={!parsed.success || anomaly.sending}>
            {anomaly.sending ? 'Producing…' : 'Produce anomaly'}
          </button>
          <CopyButton text={command} title={command} label="Copy as command" />
          <span className="muted small">timestamp: now (ISO 8601)</span>
        </div>
      </form>
      {anomaly.error && <ErrorLine error={anomaly.error} />}
      {anomaly.result && (
        <p className="small" role="status" aria-label="Anomaly produced">
          <span className="dot dot-ok" /> {anomaly.result.event.anomaly_id} → {anomaly.result.topic} partition {anomaly.result.partition}{' '}
          offset {anomaly.result.offset}
        </p>
      )}
    </section>
  );
}
