import { useEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from '../../../../electron/contract/format.js';
import type { Job, JobStep } from '../../../../electron/contract/index.js';
import { type CheckStatus, type Diagnosis, FailureDetail, PreflightReport, type StackStatus, type StepInfo } from '../../../../electron/contract/stack.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CopyButton } from '../../components/CopyButton.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';
import { elapsedMs, remainingMs } from './timeline.js';
import './stack.css';

const STEP_TONE: Record<JobStep['state'], Tone> = { pending: 'idle', running: 'busy', done: 'ok', failed: 'fail', skipped: 'warn', cancelled: 'idle' };
const CHECK_TONE: Record<CheckStatus, Tone> = { pass: 'ok', warn: 'warn', fail: 'fail', skip: 'idle' };
const STACK_JOBS = new Set(['stack-up', 'stack-down']);

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function StackView() {
  const { status, lastError, loading, busy } = useStore((s) => s.stack);
  const loadStack = useStore((s) => s.loadStack);
  const loadClusters = useStore((s) => s.loadStackClusters);
  const jobs = useStore((s) => s.jobs.list);
  const setView = useStore((s) => s.setView);
  const [confirm, setConfirm] = useState<null | 'uninstall' | 'cluster'>(null);
  const [openedFor, setOpenedFor] = useState<string | null>(null);

  useEffect(() => {
    void loadStack();
    void loadClusters();
  }, [loadStack, loadClusters]);

  // The live job (job:changed) over the one status loaded; a newer stack job (CLI, auto-resume) reloads.
  const job = status?.job ? (jobs.find((candidate) => candidate.id === status.job!.id) ?? status.job) : null;
  const newest = jobs.find((candidate) => STACK_JOBS.has(candidate.kind) && candidate.params.tenant === status?.tenant);
  useEffect(() => {
    if (newest && status && newest.id !== status.job?.id) void loadStack();
  }, [newest, status, loadStack]);

  // Opened for one job: a new job (started here, by the CLI, or resumed) folds the form away again.
  const setupOpen = openedFor === (job?.id ?? '');

  const running = job?.state === 'running';
  const installed = (status?.releases ?? []).some((release) => release.status !== 'not installed');
  return (
    <section className="view stack-view" aria-labelledby="stack-title">
      <header className="view-header">
        <h1 id="stack-title">
          Stack{' '}
          {status && (
            <span className="muted small">
              tenant {status.tenant} · namespace {status.namespace} · {status.target.context ?? 'no context'}
              {status.target.managed ? ' (the app\'s kind cluster)' : ''}
            </span>
          )}
        </h1>
        <div className="view-actions">
          <button type="button" onClick={() => void loadStack()} disabled={loading}>
            Refresh
          </button>
          {installed && !running && (
            <button type="button" className="danger" onClick={() => setConfirm('uninstall')} disabled={busy}>
              Uninstall…
            </button>
          )}
          {status?.target.managed && !running && (
            <button type="button" className="danger" onClick={() => setConfirm('cluster')} disabled={busy}>
              Delete cluster…
            </button>
          )}
        </div>
      </header>
      {lastError && <ErrorLine error={lastError} />}
      {status?.error && status.error.code !== 'KUBE_CONFIG_INVALID' && <ErrorLine error={status.error} />}
      {status?.runningElsewhere && <p className="notice-warn">This job is running in another LogClaw process (pid {status.runningElsewhere}); its progress shows when it ends.</p>}
      {!job && !installed && (
        <EmptyState title="No LogClaw stack yet" action={<button type="button" onClick={() => setView('prerequisites')}>Check prerequisites</button>}>
          <p>Create a kind cluster (or pick one of your contexts) below, run the preflight checks and install: each step, its live output and then the stack's releases and pods appear here. Installing needs docker or podman, kind, helm and kubectl.</p>
        </EmptyState>
      )}
      {job ? <JobPanel key={job.id} job={job} info={status?.steps ?? []} /> : null}
      {(!job || job.state !== 'running') && (job?.kind === 'stack-up' && !setupOpen ? (
        <div className="row-actions setup-toggle">
          <button type="button" onClick={() => setOpenedFor(job?.id ?? '')}>
            {installed ? 'Install again / change options…' : 'New install…'}
          </button>
        </div>
      ) : (
        <SetupCard hasJob={Boolean(job)} />
      ))}
      {status && status.reachable && <Overview status={status} />}
      {confirm && status && <RemoveConfirm kind={confirm} status={status} onClose={() => setConfirm(null)} />}
    </section>
  );
}

function SetupCard({ hasJob }: { hasJob: boolean }) {
  const { form, preflight, preflightRunning, busy, clusters } = useStore((s) => s.stack);
  const contexts = useStore((s) => s.kube.contexts);
  const setForm = useStore((s) => s.setInstallForm);
  const runPreflight = useStore((s) => s.runPreflight);
  const install = useStore((s) => s.installStack);
  const [showValues, setShowValues] = useState(false);
  const failed = (preflight?.checks ?? []).filter((check) => check.status === 'fail');
  return (
    <section className="card" aria-label="Install the stack">
      <h2>{hasJob ? 'Install again' : 'Install the local stack'}</h2>
      <div className="setup-grid">
        <fieldset>
          <legend>Cluster</legend>
          <label className="radio">
            <input type="radio" name="mode" checked={form.mode === 'kind'} onChange={() => setForm({ mode: 'kind' })} /> New or existing kind cluster
          </label>
          {form.mode === 'kind' && (
            <label className="field">
              <span>Cluster name</span>
              <input aria-label="kind cluster name" value={form.cluster} onChange={(event) => setForm({ cluster: event.target.value })} list="kind-clusters" />
              <datalist id="kind-clusters">{clusters?.clusters.map((name) => <option key={name} value={name} />)}</datalist>
              {clusters && !clusters.kindAvailable && <span className="muted small">kind is not installed: see Prerequisites.</span>}
            </label>
          )}
          <label className="radio">
            <input type="radio" name="mode" checked={form.mode === 'existing'} onChange={() => setForm({ mode: 'existing', context: form.context || contexts?.current || '' })} /> Existing cluster (a kubeconfig context)
          </label>
          {form.mode === 'existing' && (
            <label className="field">
              <span>Context</span>
              <select aria-label="Context to install into" value={form.context} onChange={(event) => setForm({ context: event.target.value })}>
                {(contexts?.contexts ?? []).map((context) => (
                  <option key={context.name} value={context.name}>
                    {context.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </fieldset>
        <fieldset>
          <legend>Options</legend>
          <label className="field">
            <span>Storage class</span>
            <input aria-label="Storage class" value={form.storageClass} onChange={(event) => setForm({ storageClass: event.target.value })} />
          </label>
          <label className="field">
            <span>Ready timeout per step</span>
            <input aria-label="Ready timeout per step" placeholder="20m" value={form.timeout} onChange={(event) => setForm({ timeout: event.target.value })} />
          </label>
          <button type="button" className="link" aria-expanded={showValues} onClick={() => setShowValues((open) => !open)}>
            {showValues ? 'Hide' : 'Values overrides (YAML)…'}
          </button>
          {showValues && (
            <textarea
              aria-label="Values overrides"
              className="mono values-editor"
              spellCheck={false}
              placeholder={'# global plus a section per chart, over the local profile\nlogclaw-ingestion:\n  replicas: 1'}
              value={form.overrides}
              onChange={(event) => setForm({ overrides: event.target.value })}
            />
          )}
        </fieldset>
      </div>
      <div className="row-actions">
        <button type="button" onClick={() => void runPreflight()} disabled={preflightRunning}>
          {preflightRunning ? 'Checking…' : 'Run preflight'}
        </button>
        <button type="button" className="primary" onClick={() => void install()} disabled={busy}>
          {failed.length ? `Install anyway (${failed.length} failed check${failed.length > 1 ? 's' : ''} accepted)` : 'Install'}
        </button>
      </div>
      {preflight && <PreflightList report={preflight} />}
    </section>
  );
}

function PreflightList({ report }: { report: PreflightReport }) {
  return (
    <ul className="checks" aria-label="Preflight checks">
      {report.checks.map((check) => (
        <li key={check.id} data-check={check.id} data-status={check.status}>
          <StatusDot tone={CHECK_TONE[check.status]} title={check.status} /> <strong>{check.title}</strong> <span className="muted small">{check.status}</span>
          <div className="small">{check.reason}</div>
          {check.fix && check.status !== 'pass' && <div className="small hint">Fix: {check.fix}</div>}
          {check.command && check.status !== 'pass' && (
            <CopyButton
              className="link small"
              aria-label={`Copy fix for ${check.title}`}
              text={check.command}
              title={check.command}
              label={
                <>
                  Copy <code>{check.command}</code>
                </>
              }
            />
          )}
        </li>
      ))}
    </ul>
  );
}

function JobPanel({ job, info }: { job: Job; info: StepInfo[] }) {
  const running = job.state === 'running';
  const now = useNow(running);
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
          <StatusDot tone={job.state === 'succeeded' ? 'ok' : job.state === 'running' ? 'busy' : job.state === 'failed' ? 'fail' : 'warn'} />{' '}
          <strong>{job.title}</strong> <span className="muted" data-job-state={job.state}>{job.state}</span>
          {Number.isFinite(started) && <span className="muted small"> · {formatDuration((running ? now : finished || now) - started)}</span>}
          {running && <span className="muted small"> · {left === null ? 'ETA after the first run on this machine' : `about ${formatDuration(left)} left`}</span>}
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
      {job.state === 'interrupted' && <p className="small notice-warn">The app stopped while this ran. Resume goes on from the first unfinished step; finished steps are not redone.</p>}
      <div className="job-body">
        <ol className="steps" aria-label="Install steps">
          {job.steps.map((step) => (
            <StepRow key={step.id} step={step} info={meta.get(step.id)} now={now} selected={step.id === current} onSelect={() => setSelected(step.id === selected ? null : step.id)} />
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

function StepRow({ step, info, now, selected, onSelect }: { step: JobStep; info: StepInfo | undefined; now: number; selected: boolean; onSelect: () => void }) {
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
          <button type="button" className="link small step-commands" aria-expanded={open} aria-label={`Commands of ${step.title}`} title="Show the equivalent commands" onClick={() => setOpen((value) => !value)}>
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

function FailureCard({ job, info }: { job: Job; info: StepInfo | undefined }) {
  const failure = job.failure!;
  const resume = useStore((s) => s.resumeStack);
  const setView = useStore((s) => s.setView);
  const busy = useStore((s) => s.stack.busy);
  const step = job.steps.find((candidate) => candidate.id === failure.stepId);
  const detail = FailureDetail.safeParse(failure.detail);
  const diagnosis: Diagnosis | undefined = detail.success ? detail.data.diagnosis : undefined;
  const preflight = PreflightReport.safeParse((failure.detail as { preflight?: unknown } | undefined)?.preflight);
  const commands = [...new Set([...(info?.commands ?? []), ...(step?.commands ?? [])])];
  return (
    <section className="failure-card" role="alert" aria-label="Failure">
      <h3>
        {step?.title ?? failure.stepId} failed <code className="code">{failure.code}</code>
      </h3>
      <p>
        <strong>{failure.message}</strong>
      </p>
      {failure.hint && <p className="hint">{failure.hint}</p>}
      {preflight.success && <PreflightList report={{ ...preflight.data, checks: preflight.data.checks.filter((check) => check.status === 'fail' || check.status === 'warn') }} />}
      {diagnosis && (
        <div className="diagnosis">
          {diagnosis.resources.map((resource) => (
            <div key={`${resource.kind}/${resource.name}`} className="small">
              <strong>
                {resource.kind.toLowerCase()}/{resource.name}
              </strong>
              : {resource.message}
            </div>
          ))}
          {diagnosis.pods.map((pod) => (
            <div key={pod.name} className="pod-story" data-pod={pod.name}>
              <div className="small">
                pod <strong className="mono">{pod.name}</strong> {pod.phase}
                {pod.reasons.length > 0 && <> · {pod.reasons.join('; ')}</>}
              </div>
              {pod.events.length > 0 && (
                <table className="table events" aria-label={`Events of ${pod.name}`}>
                  <tbody>
                    {pod.events.map((event, index) => (
                      <tr key={index}>
                        <td className="small">{event.type}</td>
                        <td className="small">{event.reason}</td>
                        <td className="small">
                          {event.message}
                          {event.count > 1 ? ` (×${event.count})` : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {pod.logTail.length > 0 && <pre className="mono log-tail">{pod.logTail.join('\n')}</pre>}
            </div>
          ))}
          {diagnosis.events.map((event, index) => (
            <div key={index} className="small">
              {event.object} {event.type} {event.reason}: {event.message}
            </div>
          ))}
        </div>
      )}
      {detail.success && detail.data.stderrTail && detail.data.stderrTail.length > 0 && <pre className="mono log-tail">{detail.data.stderrTail.join('\n')}</pre>}
      <div className="row-actions">
        <button type="button" className="primary" onClick={() => void resume()} disabled={busy}>
          Retry step
        </button>
        {info?.skippable && (
          <button type="button" onClick={() => void resume([failure.stepId])} disabled={busy} title="Nothing else depends on this step">
            Skip step
          </button>
        )}
        <button type="button" onClick={() => setView('doctor')}>
          Open Doctor
        </button>
        {commands.length > 0 && (
          <CopyButton text={commands.join('\n')} label="Copy commands" />
        )}
        <CopyButton text={JSON.stringify(failure, null, 2)} label="Copy details" />
      </div>
    </section>
  );
}

function LogPane({ jobId, stepId, steps }: { jobId: string; stepId: string | null; steps: JobStep[] }) {
  const { lines, logJobId } = useStore((s) => s.stack);
  const loadLog = useStore((s) => s.loadStackLog);
  const [all, setAll] = useState(false);
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (logJobId !== jobId) void loadLog(jobId);
  }, [jobId, logJobId, loadLog]);
  const shown = all || !stepId ? lines : lines.filter((line) => line.stepId === stepId);
  const visible = shown.slice(-2000);
  useEffect(() => {
    const pre = ref.current;
    if (pre) pre.scrollTop = pre.scrollHeight;
  }, [visible.length, stepId]);
  const title = steps.find((step) => step.id === stepId)?.title;
  return (
    <section className="log-pane" aria-label="Step log">
      <header className="log-header small">
        <span>
          {all || !stepId ? 'All steps' : title} · showing {visible.length} of {shown.length} lines
        </span>
        <label>
          <input type="checkbox" checked={all} onChange={(event) => setAll(event.target.checked)} /> all steps
        </label>
      </header>
      <pre ref={ref} className="mono log" aria-label="Log lines">
        {visible.map((line, index) => (
          <div key={index} className={line.stream === 'stderr' ? 'stderr' : undefined}>
            {all ? <span className="muted">[{line.stepId}] </span> : null}
            {line.text}
          </div>
        ))}
        {visible.length === 0 && <span className="muted">No output yet.</span>}
      </pre>
    </section>
  );
}

function releaseTone(status: string): Tone {
  if (status === 'deployed') return 'ok';
  if (status === 'not installed') return 'idle';
  if (status.startsWith('pending')) return 'busy';
  return 'fail';
}

function Overview({ status }: { status: StackStatus }) {
  const rows = [...status.operators.map((release) => ({ ...release, group: 'operator' })), ...status.releases.map((release) => ({ ...release, group: 'tenant' }))];
  return (
    <div className="overview">
      <section className="card" aria-label="Releases">
        <h2>
          Releases <span className="muted small">checked <RelativeTime at={status.checkedAt} /></span>
        </h2>
        <table className="table" aria-label="Helm releases">
          <thead>
            <tr>
              <th scope="col">Release</th>
              <th scope="col">Namespace</th>
              <th scope="col">Status</th>
              <th scope="col">Chart version</th>
              <th scope="col" className="num">Rev</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((release) => (
              <tr key={`${release.namespace}/${release.release}`} data-release={release.release} data-status={release.status}>
                <th scope="row">
                  {release.release} {release.group === 'operator' && <span className="tag">operator</span>}
                </th>
                <td className="mono small">{release.namespace}</td>
                <td>
                  <StatusDot tone={releaseTone(release.status)} /> {release.status}
                </td>
                <td className="mono small">{release.chartVersion ?? '–'}</td>
                <td className="num">{release.revision ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-label="Pods by component">
        <h2>Pods</h2>
        {status.components.length === 0 ? (
          <p className="muted">No pods in {status.namespace} yet.</p>
        ) : (
          <table className="table" aria-label="Pods">
            <tbody>
              {status.components.map((component) => {
                const ready = component.pods.filter((pod) => pod.phase === 'Succeeded' || (pod.phase === 'Running' && pod.ready === pod.containers)).length;
                return [
                  <tr key={component.name} className="group-row">
                    <th scope="rowgroup" colSpan={3}>
                      <StatusDot tone={ready === component.pods.length ? 'ok' : 'warn'} /> {component.name}{' '}
                      <span className="muted small">
                        {ready}/{component.pods.length} ready
                      </span>
                    </th>
                  </tr>,
                  ...component.pods.map((pod) => (
                    <tr key={pod.name} data-pod={pod.name}>
                      <td className="mono small">{pod.name}</td>
                      <td className="num mono small">
                        {pod.ready}/{pod.containers}
                      </td>
                      <td className="small">
                        {pod.reason ?? pod.phase}
                        {pod.restarts > 0 ? ` · ${pod.restarts} restarts` : ''}
                      </td>
                    </tr>
                  )),
                ];
              })}
            </tbody>
          </table>
        )}
      </section>
      <SecretsPanel />
    </div>
  );
}

function SecretsPanel() {
  const secrets = useStore((s) => s.stack.secrets);
  const load = useStore((s) => s.loadStackSecrets);
  const [shown, setShown] = useState<Set<string>>(new Set());
  useEffect(() => {
    void load();
  }, [load]);
  if (!secrets || secrets.length === 0) return null;
  return (
    <section className="card" aria-label="Dev secrets">
      <h2>
        Dev secrets <span className="muted small">generated for this tenant, kept in the app's data folder</span>
      </h2>
      <table className="table" aria-label="Dev secrets">
        <tbody>
          {secrets.map((secret) => {
            const id = `${secret.secret}/${secret.key}`;
            return (
              <tr key={id}>
                <td className="small">{secret.purpose}</td>
                <td className="mono small">{id}</td>
                <td className="mono small">{shown.has(id) ? secret.value : '••••••••'}</td>
                <td>
                  <div className="row-actions">
                    <button type="button" className="link" aria-label={`${shown.has(id) ? 'Hide' : 'Show'} ${secret.purpose}`} onClick={() => setShown((set) => new Set(set.has(id) ? [...set].filter((x) => x !== id) : [...set, id]))}>
                      {shown.has(id) ? 'Hide' : 'Show'}
                    </button>
                    <CopyButton className="link" aria-label={`Copy ${secret.purpose}`} text={secret.value} label="Copy" />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Uninstalling a tenant or deleting the app's kind cluster, after its name is typed. */
function RemoveConfirm({ kind, status, onClose }: { kind: 'uninstall' | 'cluster'; status: StackStatus; onClose: () => void }) {
  const uninstall = useStore((s) => s.uninstallStack);
  const deleteCluster = useStore((s) => s.deleteStackCluster);
  const name = kind === 'uninstall' ? status.tenant : (status.target.cluster ?? '');
  return (
    <ConfirmDialog
      modal
      title={kind === 'uninstall' ? `Uninstall tenant ${name}` : `Delete kind cluster ${name}`}
      confirmLabel={kind === 'uninstall' ? 'Uninstall' : 'Delete cluster'}
      cancelLabel="Keep it"
      typeToConfirm={{ name, inputLabel: 'Confirmation' }}
      onConfirm={() => (kind === 'uninstall' ? uninstall(name) : deleteCluster(name, name))}
      onClose={onClose}
    >
      {kind === 'uninstall'
        ? `Removes every LogClaw release of ${name}, then the namespace ${status.namespace} with its data (volumes, topics, indices). The operators and the cluster stay.`
        : `Deletes the kind cluster ${name} and everything on it: every tenant, the operators and all data.`}
    </ConfirmDialog>
  );
}
