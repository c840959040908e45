import { useEffect, useState } from 'react';
import type { DoctorCheck, DoctorStatus, FixResult, HealthItem } from '#contract/doctor.js';
import { formatBytes } from '#contract/format.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CopyButton, CopyCommand } from '../../components/CopyButton.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';
import './doctor.css';

const TONE: Record<DoctorStatus, Tone> = { ok: 'ok', warn: 'warn', fail: 'fail' };
const ORDER: Record<DoctorStatus, number> = { fail: 0, warn: 1, ok: 2 };
const HEALTH_EVERY_MS = 10_000;

export function doctorTone(status: DoctorStatus): Tone {
  return TONE[status];
}

export function DoctorView() {
  const { report, status, lastError, bundle, bundling } = useStore((s) => s.doctor);
  const runDoctor = useStore((s) => s.runDoctor);
  const writeBundle = useStore((s) => s.writeBundle);
  const [open, setOpen] = useState<string | null>(null);
  const tenant = useStore((s) => s.settings.value?.tenant ?? 'dev-local');

  useEffect(() => {
    if (!report && status === 'idle') void runDoctor();
  }, [report, status, runDoctor]);

  const checks = [...(report?.checks ?? [])].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const check of checks) counts[check.status]++;
  return (
    <section className="view doctor-view" aria-labelledby="doctor-title">
      <header className="view-header">
        <h1 id="doctor-title">
          Doctor{' '}
          <span className="muted small">
            namespace {report?.namespace ?? `logclaw-${tenant}`}
            {report?.context ? ` · context ${report.context}` : ''}
            {report ? (
              <>
                {' '}
                · checked <RelativeTime at={report.checkedAt} />
              </>
            ) : null}
          </span>
        </h1>
        <div className="view-actions">
          <button type="button" onClick={() => void runDoctor()} disabled={status === 'loading'}>
            {status === 'loading' ? 'Checking…' : 'Run all checks'}
          </button>
          <button
            type="button"
            onClick={() => void writeBundle()}
            disabled={bundling}
            title="A zip of versions, preflight, releases, statuses, events, logs, forwards and the last install; secrets redacted"
          >
            {bundling ? 'Writing bundle…' : 'Support bundle'}
          </button>
        </div>
      </header>
      {lastError && <ErrorLine error={lastError} />}
      {report?.error && <ErrorLine error={report.error} />}
      {bundle && (
        <div className="card" role="status" aria-label="Support bundle">
          Wrote <code>{bundle.path}</code> ({formatBytes(bundle.bytes)}, {bundle.files.length} files, {bundle.redactions} values redacted).
          Review it before sharing. <CopyButton text={bundle.path} label="Copy path" />
        </div>
      )}
      <HealthCard />
      <div className="card">
        <h2>
          Checks{' '}
          {report && (
            <span className="muted small">
              {counts.fail} failing · {counts.warn} warning{counts.warn === 1 ? '' : 's'} · {counts.ok} ok
            </span>
          )}
        </h2>
        {!report && status === 'loading' && <p className="muted">Running the checks…</p>}
        {!report && status !== 'loading' && (
          <EmptyState
            title="No checks yet"
            action={
              <button type="button" onClick={() => void runDoctor()}>
                Run all checks
              </button>
            }
          >
            The doctor reads the cluster, the releases and this machine's settings, and explains each known failure of the stack with a fix.
          </EmptyState>
        )}
        <ul className="checks" aria-label="Doctor checks">
          {checks.map((check) => (
            <CheckRow
              key={check.id}
              check={check}
              open={open === check.id}
              onToggle={() => setOpen((current) => (current === check.id ? null : check.id))}
            />
          ))}
        </ul>
      </div>
    </section>
  );
}

function HealthCard() {
  const { health, healthStatus } = useStore((s) => s.doctor);
  const loadHealth = useStore((s) => s.loadHealth);
  useEffect(() => {
    void loadHealth();
    const timer = setInterval(() => void loadHealth(), HEALTH_EVERY_MS);
    return () => clearInterval(timer);
  }, [loadHealth]);
  return (
    <div className="card" aria-label="Stack health">
      <h2>
        Health{' '}
        <span className="muted small">
          the stack's verification (step 5), live
          {health ? (
            <>
              {' '}
              · <RelativeTime at={health.checkedAt} />
            </>
          ) : null}
        </span>
      </h2>
      {!health && (
        <p className="muted">{healthStatus === 'loading' ? 'Reading pods, Kafka, OpenSearch and releases…' : 'Not checked yet.'}</p>
      )}
      {health && (
        <ul className="health">
          {health.items.map((item) => (
            <HealthRow key={item.id} item={item} />
          ))}
        </ul>
      )}
    </div>
  );
}

function HealthRow({ item }: { item: HealthItem }) {
  return (
    <li aria-label={`${item.title}: ${item.status}`}>
      <div>
        <StatusDot tone={TONE[item.status]} /> <strong>{item.title}</strong>
      </div>
      <div className="small">{item.summary}</div>
      {(item.details.length > 0 || item.command) && (
        <details>
          <summary>details</summary>
          {item.details.length > 0 && <pre className="mono small">{item.details.join('\n')}</pre>}
          {item.command && <CopyCommand command={item.command} />}
        </details>
      )}
    </li>
  );
}

function CheckRow({ check, open, onToggle }: { check: DoctorCheck; open: boolean; onToggle: () => void }) {
  const fixing = useStore((s) => s.doctor.fixing);
  const result = useStore((s) => s.doctor.fixResults[check.id]);
  const error = useStore((s) => s.doctor.fixErrors[check.id]);
  const runDoctor = useStore((s) => s.runDoctor);
  return (
    <li className="check" aria-label={`${check.title}: ${check.status}`}>
      <button type="button" className="check-head" aria-expanded={open} onClick={onToggle}>
        <StatusDot tone={TONE[check.status]} title={`${check.status} · ${new Date(check.checkedAt).toLocaleTimeString()}`} />
        <span className="check-title">{check.title}</span>
        <span className="check-summary">{check.summary}</span>
      </button>
      {open && (
        <div className="check-body">
          <p>{check.explanation}</p>
          {check.evidence.length > 0 && (
            <div className="evidence" aria-label="Evidence">
              {check.evidence.map((evidence) => (
                <div key={evidence.source}>
                  <div className="muted small">{evidence.source}</div>
                  <pre className="mono">{evidence.lines.join('\n')}</pre>
                </div>
              ))}
            </div>
          )}
          {check.fix && <FixPanel check={check} busy={fixing === check.id} />}
          {error && <ErrorLine error={error} />}
          {result && <FixOutcome result={result} />}
          <div>
            <button type="button" onClick={() => void runDoctor([check.id])}>
              Re-check
            </button>{' '}
            <span className="muted small">
              checked <RelativeTime at={check.checkedAt} /> in {check.durationMs} ms
            </span>
          </div>
        </div>
      )}
    </li>
  );
}

function FixPanel({ check, busy }: { check: DoctorCheck; busy: boolean }) {
  const fixCheck = useStore((s) => s.fixCheck);
  const [confirming, setConfirming] = useState(false);
  const fix = check.fix!;
  return (
    <div className="commands">
      <div className="muted small">
        {fix.automatic ? 'Fix' : 'Fix (by hand: the app does not run this for you)'}: {fix.title}
      </div>
      {!fix.automatic && <p>{fix.changes}</p>}
      <pre className="mono">{fix.commands.join('\n')}</pre>
      <CopyButton text={fix.commands.join('\n')} label="Copy commands" />{' '}
      {fix.automatic && !confirming && (
        <button type="button" className="primary" disabled={busy} onClick={() => setConfirming(true)}>
          {busy ? 'Fixing…' : fix.title}
        </button>
      )}
      {fix.automatic && confirming && (
        <ConfirmDialog
          tone="primary"
          title={`Confirm: ${fix.title}`}
          confirmLabel="Apply fix"
          onConfirm={() => {
            void fixCheck(check.id);
          }}
          onClose={() => setConfirming(false)}
        >
          {fix.changes} <span className="muted small">The app runs the commands above, then checks again.</span>
        </ConfirmDialog>
      )}
    </div>
  );
}

function FixOutcome({ result }: { result: FixResult }) {
  return (
    <div role="status" aria-label="Fix result">
      <div className={`status-${result.after.status}`}>
        {result.after.status === 'ok'
          ? 'Fixed: the re-check passes.'
          : `After the fix the check is still ${result.after.status}: ${result.after.summary}`}
      </div>
      <ul className="small">
        {result.applied.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
