// A stack job as a timeline: each step with its state, elapsed time and the ETA from earlier runs,
// its equivalent commands, the failure card and the live log of the selected step.
import { useMemo, useState } from 'react';
import { formatDuration } from '#contract/format.js';
import type { Job, JobStep } from '#contract/index.js';
import type { StepInfo } from '#contract/stack.js';
import { CopyButton } from '../../components/CopyButton.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useNow } from '../../components/useNow.js';
import { useStore } from '../../store/index.js';
import { FailureCard } from './FailureCard.js';
import { LogPane } from './LogPane.js';
import { elapsedMs, remainingMs } from './timeline.js';

const STEP_TONE: Record<JobStep['state'], Tone> = {
  pending: 'idle',
  running: 'busy',
  done: 'ok',
  failed: 'fail',
  skipped: 'warn',
  cancelled: 'idle',
};

export function JobPanel({ job, info }: { job: Job; info: StepInfo[] }) {
  const running = job.state === 'running';
  const now = useNow(1000, running);
  const [selected, setSelected] = useState<string | null>(null);
  const cancel = useStore((s) => s.cancelStack);
  const resume = useStore((s) => s.resumeStack);
  const busy = useStore((s) => s.stack.busy);
  const meta = useMemo(() => new Map(info.map((step) => [step.id, step])), [info]);
  const started = Math.min(...job.steps.map((step) => step.startedAt ?? Infinity));
  const finished = Math.max(...job.steps.map((step) => step.endedAt ?? 0));
  const left = running ? remainingMs(job, info, now) : null;
  const current = selected ?? job.failure?.stepId ?? job.steps.find((step) => step.state === 'running')?.id ?? null;
  const unfinished = job.state === 'failed' || job.state === 'cancelled' || job.state === 'interrupted';
  return (
    <section className="card job-panel" aria-label="Stack job">
      <header className="job-header">
        <div>
          <StatusDot
            tone={job.state === 'succeeded' ? 'ok' : job.state === 'running' ? 'busy' : job.state === 'failed' ? 'fail' : 'warn'}
          />{' '}
          <strong>{job.title}</strong>{' '}
          <span className="muted" data-job-state={job.state}>
            {job.state}
          </span>
          {Number.isFinite(started) && (
            <span className="muted small"> · {formatDuration((running ? now : finished || now) - started)}</span>
          )}
          {running && (
            <span className="muted small">
              {' '}
              · {left === null ? 'ETA after the first run on this machine' : `about ${formatDuration(left)} left`}
            </span>
          )}
        </div>
        <div className="row-actions">
          {running && (
            <button type="button" onClick={() => void cancel()}>
              Cancel install
            </button>
          )}
          {unfinished && job.kind === 'stack-up' && (
            <button type="button" className="primary" onClick={() => void resume()} disabled={busy}>
              {job.state === 'failed' ? 'Retry failed step' : 'Resume install'}
            </button>
          )}
          {unfinished && job.kind === 'stack-down' && (
            <button type="button" onClick={() => void resume()} disabled={busy}>
              Retry
            </button>
          )}
        </div>
      </header>
      {job.state === 'interrupted' && (
        <p className="small notice-warn">
          The app stopped while this ran. Resume goes on from the first unfinished step; finished steps are not redone.
        </p>
      )}
      <div className="job-body">
        <ol className="steps" aria-label="Install steps">
          {job.steps.map((step) => (
            <StepRow
              key={step.id}
              step={step}
              info={meta.get(step.id)}
              now={now}
              selected={step.id === current}
              onSelect={() => setSelected(step.id === selected ? null : step.id)}
            />
          ))}
        </ol>
        <div className="job-side">
          {job.failure && job.state !== 'running' && <FailureCard job={job} info={meta.get(job.failure.stepId)} />}
          <LogPane jobId={job.id} stepId={current} steps={job.steps} />
        </div>
      </div>
    </section>
  );
}

function StepRow({
  step,
  info,
  now,
  selected,
  onSelect,
}: {
  step: JobStep;
  info: StepInfo | undefined;
  now: number;
  selected: boolean;
  onSelect: () => void;
}) {
  const [open, setOpen] = useState(false);
  const elapsed = elapsedMs(step, now);
  const eta = info?.etaMs ?? null;
  const commands = [...new Set([...(info?.commands ?? []), ...step.commands])];
  return (
    <li data-step={step.id} data-state={step.state} className={selected ? 'selected' : undefined}>
      <div className="step-row">
        <button type="button" className="step-main" onClick={onSelect} aria-pressed={selected} aria-label={`${step.title}: ${step.state}`}>
          <StatusDot tone={STEP_TONE[step.state]} title={step.state} />
          <span className="step-title">{step.title}</span>
          <span className="step-time mono small">
            {elapsed !== null ? formatDuration(elapsed) : ''}
            {eta !== null && step.state !== 'done' && step.state !== 'skipped' && <span className="muted"> / ~{formatDuration(eta)}</span>}
          </span>
        </button>
        {commands.length > 0 && (
          <button
            type="button"
            className="link small step-commands"
            aria-expanded={open}
            aria-label={`Commands of ${step.title}`}
            title="Show the equivalent commands"
            onClick={() => setOpen((value) => !value)}
          >
            {open ? 'hide' : '$_'}
          </button>
        )}
      </div>
      {step.message && step.state === 'running' && <div className="step-message muted small">{step.message}</div>}
      {open && (
        <div className="commands small">
          <pre className="mono">{commands.join('\n')}</pre>
          <CopyButton text={commands.join('\n')} aria-label={`Copy commands of ${step.title}`} label="Copy as commands" />
        </div>
      )}
    </li>
  );
}
