// The Logs pane: where Vector is, the composer, the generator, the pipeline trace, the canary and
// the anomaly producer.
import { useEffect, useState } from 'react';
import type { LogEvent } from '#contract/logs.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { Notices } from '../../components/Notices.js';
import { useStore } from '../../store/index.js';
import { AnomalyForm } from './AnomalyForm.js';
import { CanaryView } from './CanaryView.js';
import { Composer, payloadProblem } from './Composer.js';
import { GeneratorView } from './GeneratorView.js';
import './logs.css';
import { TraceView } from './TraceView.js';

const SEED = '{\n  "message": "Payment failed: timeout",\n  "level": "ERROR",\n  "service": "payment-api"\n}';

function VectorUrl() {
  const saved = useStore((s) => s.logs.state?.vectorUrl ?? null);
  const save = useStore((s) => s.logsSetVectorUrl);
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? saved ?? '';
  return (
    <form
      className="lg-vector"
      aria-label="Vector URL"
      onSubmit={(event) => {
        event.preventDefault();
        void save(value.trim() === '' ? null : value.trim()).then((ok) => ok && setDraft(null));
      }}
    >
      <label>
        <span className="muted small">Vector</span>
        <input
          aria-label="Vector URL"
          className="mono"
          placeholder="the stack's forward: http://127.0.0.1:18080"
          value={value}
          onChange={(event) => setDraft(event.target.value)}
          size={34}
        />
      </label>
      <button type="submit" disabled={draft === null}>
        Save
      </button>
    </form>
  );
}

export function LogsPane() {
  const { state, lastError, flash } = useStore((s) => s.logs);
  const load = useStore((s) => s.loadLogs);
  const [text, setText] = useState(SEED);
  const [selected, setSelected] = useState('payment-timeout');
  useEffect(() => {
    void load();
  }, [load]);
  const parsed = payloadProblem(text) ? null : (JSON.parse(text) as unknown);
  const template = parsed && !Array.isArray(parsed) ? (parsed as LogEvent) : null;

  return (
    <div className="lg-view">
      <header className="view-header">
        <h2>Logs</h2>
        <div className="view-actions">
          <VectorUrl />
        </div>
      </header>
      <Notices notices={state?.notices ?? []} />
      {lastError && <ErrorLine error={lastError} />}
      <div className="visually-hidden" role="status" aria-live="polite">
        {flash}
      </div>
      <div className="lg-grid">
        <Composer text={text} setText={setText} selected={selected} setSelected={setSelected} />
        <GeneratorView template={template} />
        <TraceView />
        <CanaryView />
        <AnomalyForm />
      </div>
    </div>
  );
}
