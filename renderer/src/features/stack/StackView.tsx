// The Stack pane: the tenant's install (set-up, the job's timeline and log, its failure), then the
// releases, pods and dev secrets, and uninstall or cluster delete behind a named confirmation.
import { useEffect, useState } from 'react';
import type { StackStatus } from '#contract/stack.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useStore } from '../../store/index.js';
import { JobPanel } from './JobPanel.js';
import { Overview } from './Overview.js';
import { SetupCard } from './SetupCard.js';
import './stack.css';

const STACK_JOBS = new Set(['stack-up', 'stack-down']);

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
              {status.target.managed ? " (the app's kind cluster)" : ''}
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
      {status?.runningElsewhere && (
        <p className="notice-warn">
          This job is running in another LogClaw process (pid {status.runningElsewhere}); its progress shows when it ends.
        </p>
      )}
      {!job && !installed && (
        <EmptyState
          title="No LogClaw stack yet"
          action={
            <button type="button" onClick={() => setView('prerequisites')}>
              Check prerequisites
            </button>
          }
        >
          <p>
            Create a kind cluster (or pick one of your contexts) below, run the preflight checks and install: each step, its live output and
            then the stack's releases and pods appear here. Installing needs docker or podman, kind, helm and kubectl.
          </p>
        </EmptyState>
      )}
      {job ? <JobPanel key={job.id} job={job} info={status?.steps ?? []} /> : null}
      {(!job || job.state !== 'running') &&
        (job?.kind === 'stack-up' && !setupOpen ? (
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
