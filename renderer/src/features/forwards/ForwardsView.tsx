import { useState } from 'react';
import { formatBytes } from '#contract/format.js';
import type { ForwardState, ForwardStatus } from '#contract/index.js';
import { CopyButton } from '../../components/CopyButton.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { Sparkline } from '../../components/Sparkline.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';
import type { ForwardError } from './slice.js';

const TONES: Record<ForwardState, Tone> = {
  ready: 'ok',
  degraded: 'warn',
  starting: 'busy',
  reconnecting: 'busy',
  failed: 'fail',
  stopped: 'idle',
};

export function forwardTone(state: ForwardState): Tone {
  return TONES[state];
}

export function ForwardsView() {
  const { list, loaded, lastError, selected } = useStore((s) => s.forwards);
  const startAll = useStore((s) => s.startAllForwards);
  const stopAll = useStore((s) => s.stopAllForwards);
  const tenant = useStore((s) => s.settings.value?.tenant ?? 'dev-local');
  const [adding, setAdding] = useState(false);
  const up = list.filter((f) => f.state === 'ready').length;
  const running = list.filter((f) => f.state !== 'stopped').length;
  const detail = list.find((f) => f.id === selected);
  return (
    <section className="view" aria-labelledby="forwards-title">
      <header className="view-header">
        <h1 id="forwards-title">
          Forwards{' '}
          <span className="muted small">
            {up} ready of {running} running · namespace logclaw-{tenant}
          </span>
        </h1>
        <div className="view-actions">
          <button type="button" onClick={() => void startAll()}>
            Start all
          </button>
          <button type="button" onClick={() => void stopAll()} disabled={running === 0}>
            Stop all
          </button>
          <button type="button" onClick={() => setAdding((open) => !open)} aria-expanded={adding}>
            Add forward
          </button>
        </div>
      </header>
      {lastError && <ErrorLine error={lastError} />}
      {adding && <AddForwardForm onDone={() => setAdding(false)} defaultNamespace={`logclaw-${tenant}`} />}
      {loaded && list.length === 0 ? (
        <EmptyState title="No forwards">The stack's services appear here once a tenant is set in Settings.</EmptyState>
      ) : (
        <div className="split">
          <div className="split-main">
            <table className="table" aria-label="Forwards">
              <thead>
                <tr>
                  <th scope="col">State</th>
                  <th scope="col">Service</th>
                  <th scope="col" className="num">
                    Local
                  </th>
                  <th scope="col">Pod</th>
                  <th scope="col" className="num">
                    Traffic
                  </th>
                  <th scope="col" className="num">
                    Probe
                  </th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((forward) => (
                  <ForwardRow key={forward.id} forward={forward} selected={forward.id === selected} />
                ))}
              </tbody>
            </table>
          </div>
          {detail && <HistoryPanel forward={detail} />}
        </div>
      )}
    </section>
  );
}

function ForwardRow({ forward, selected }: { forward: ForwardStatus; selected: boolean }) {
  const start = useStore((s) => s.startForward);
  const stop = useStore((s) => s.stopForward);
  const select = useStore((s) => s.selectForward);
  const rates = useStore((s) => s.forwards.rates[forward.id]);
  const error: ForwardError | undefined = useStore((s) => s.forwards.errors[forward.id]);
  const running = forward.state !== 'stopped';
  const target = `${forward.spec.target.kind === 'service' ? 'svc' : 'pod'}/${forward.spec.target.name}:${forward.spec.remotePort}`;
  return (
    <>
      <tr
        data-forward={forward.id}
        data-state={forward.state}
        className={selected ? 'selected' : undefined}
        onClick={() => select(selected ? null : forward.id)}
      >
        <td title={`since ${new Date(forward.since).toLocaleString()}`}>
          <StatusDot tone={forwardTone(forward.state)} /> {forward.state}
          {running && <div className="muted small reason">{forward.reason}</div>}
        </td>
        <th scope="row">
          <div className="nowrap">{forward.spec.title}</div>
          <div className="muted small mono ellipsis" title={`${forward.spec.namespace}/${target}`}>
            {target}
          </div>
        </th>
        <td className="num mono nowrap">:{forward.spec.localPort}</td>
        <td className="mono small">
          <span className="ellipsis" title={forward.pod}>
            {forward.pod ?? '–'}
          </span>
        </td>
        <td className="num nowrap">
          <Sparkline values={rates ?? []} label={`${forward.spec.title} traffic`} unit="B/s" />
          <div className="muted small">
            ↑{formatBytes(forward.bytesIn)} ↓{formatBytes(forward.bytesOut)} · {forward.connections} conn
          </div>
          <div className="muted small" data-transport={forward.transport.kind} title={forward.transport.reason}>
            {TRANSPORT_LABEL[forward.transport.kind]}
            {forward.transport.mode === 'auto' && forward.transport.kind === 'websocket' ? ' (fallback)' : ''}
          </div>
        </td>
        <td className="num small nowrap">
          {forward.lastProbe ? (
            <span title={forward.lastProbe.detail}>
              {forward.lastProbe.ok ? 'ok' : 'failed'} {forward.lastProbe.latencyMs} ms · <RelativeTime at={forward.lastProbe.at} />
            </span>
          ) : (
            '–'
          )}
        </td>
        <td onClick={(event) => event.stopPropagation()}>
          <div className="row-actions">
            {running ? (
              <button type="button" aria-label={`Stop ${forward.spec.title}`} onClick={() => void stop(forward.id)}>
                Stop
              </button>
            ) : (
              <button type="button" aria-label={`Start ${forward.spec.title}`} onClick={() => void start(forward.id)}>
                Start
              </button>
            )}
            {forward.url && forward.state === 'ready' && (
              <a
                href={forward.url}
                target="_blank"
                rel="noreferrer"
                aria-label={`Open ${forward.spec.title} in the browser`}
                title={forward.url}
              >
                Open
              </a>
            )}
            <CopyButton
              className="link"
              aria-label={`Copy kubectl command for ${forward.spec.title}`}
              title={forward.command}
              text={forward.command}
              label="Copy"
            />
          </div>
        </td>
      </tr>
      {error && (
        <tr className="row-error">
          <td colSpan={7}>
            <ErrorLine error={error} />
            {error.suggestedPort && (
              <button type="button" onClick={() => void start(forward.id, error.suggestedPort)}>
                Use port {error.suggestedPort}
              </button>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

const TRANSPORT_LABEL = { spdy: 'multiplexed (SPDY)', websocket: 'WebSocket per connection' } as const;

function HistoryPanel({ forward }: { forward: ForwardStatus }) {
  const select = useStore((s) => s.selectForward);
  const remove = useStore((s) => s.removeForward);
  const setAutoStart = useStore((s) => s.setForwardAutoStart);
  const setTransport = useStore((s) => s.setForwardTransport);
  return (
    <aside
      className="side-panel"
      aria-label={`${forward.spec.title} history`}
      onKeyDown={(event) => event.key === 'Escape' && select(null)}
    >
      <header className="view-header">
        <h2>{forward.spec.title}</h2>
        <button type="button" aria-label="Close history" onClick={() => select(null)}>
          ×
        </button>
      </header>
      <p className="mono small wrap-anywhere">{forward.command}</p>
      <label className="small">
        <input type="checkbox" checked={forward.autoStart} onChange={(event) => void setAutoStart(forward.id, event.target.checked)} />{' '}
        Start with the app
      </label>
      <label className="small">
        Transport{' '}
        <select
          aria-label={`Transport for ${forward.spec.title}`}
          value={forward.transport.mode}
          onChange={(event) => void setTransport(forward.id, event.target.value as ForwardStatus['transport']['mode'])}
        >
          <option value="auto">Automatic (multiplexed, falls back)</option>
          <option value="spdy">Multiplexed SPDY session only</option>
          <option value="websocket">One WebSocket per connection</option>
        </select>
      </label>
      <p className="muted small">
        In use: {TRANSPORT_LABEL[forward.transport.kind]} — {forward.transport.reason}
        {forward.transport.kind === 'spdy'
          ? ` (${forward.transport.sessions} session${forward.transport.sessions === 1 ? '' : 's'} opened)`
          : ''}
      </p>
      <ol className="timeline" aria-label="State changes">
        {[...forward.history].reverse().map((change) => (
          <li key={`${change.at}-${change.state}`}>
            <StatusDot tone={forwardTone(change.state)} /> <strong>{change.state}</strong> <RelativeTime at={change.at} />
            <div className="muted small">{change.reason}</div>
          </li>
        ))}
      </ol>
      {forward.spec.custom && (
        <button type="button" onClick={() => void remove(forward.id)} aria-label={`Remove ${forward.spec.title}`}>
          Remove this forward
        </button>
      )}
    </aside>
  );
}

function AddForwardForm({ onDone, defaultNamespace }: { onDone: () => void; defaultNamespace: string }) {
  const add = useStore((s) => s.addForward);
  const [form, setForm] = useState({
    namespace: defaultNamespace,
    kind: 'service' as 'service' | 'pod',
    name: '',
    remotePort: '',
    localPort: '',
    probe: 'tcp' as 'tcp' | 'http',
    path: '',
  });
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value }),
  });
  return (
    <form
      className="inline-form"
      aria-label="Add forward"
      onSubmit={(event) => {
        event.preventDefault();
        void add({
          namespace: form.namespace,
          kind: form.kind,
          name: form.name,
          remotePort: Number(form.remotePort),
          localPort: Number(form.localPort || form.remotePort),
          probe: form.probe,
          ...(form.probe === 'http' ? { path: form.path || '/' } : {}),
        }).then((ok) => ok && onDone());
      }}
    >
      <input aria-label="Namespace" {...field('namespace')} required />
      <select aria-label="Kind" {...field('kind')}>
        <option value="service">service</option>
        <option value="pod">pod</option>
      </select>
      <input aria-label="Name" placeholder="name" {...field('name')} required />
      <input aria-label="Remote port" placeholder="remote port" inputMode="numeric" {...field('remotePort')} required />
      <input aria-label="Local port" placeholder="local port" inputMode="numeric" {...field('localPort')} />
      <select aria-label="Probe" {...field('probe')}>
        <option value="tcp">TCP probe</option>
        <option value="http">HTTP probe</option>
      </select>
      {form.probe === 'http' && <input aria-label="Probe path" placeholder="/health" {...field('path')} />}
      <button type="submit">Add</button>
    </form>
  );
}
