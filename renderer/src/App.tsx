import { type ReactElement, useEffect, useMemo, useState } from 'react';
import { StatusDot, type Tone } from './components/StatusDot.js';
import { ForwardsView } from './features/forwards/ForwardsView.js';
import { KafkaPane } from './features/kafka/KafkaPane.js';
import { CanaryIndicator } from './features/logs/CanaryView.js';
import { LogsPane } from './features/logs/LogsPane.js';
import { DoctorView } from './features/doctor/DoctorView.js';
import { doctorProblems } from './features/doctor/slice.js';
import { PrerequisitesView, toolTone } from './features/prerequisites/PrerequisitesView.js';
import { SearchView } from './features/search/SearchView.js';
import { SettingsView } from './features/settings/SettingsView.js';
import { StackView } from './features/stack/StackView.js';
import { type View, useStore } from './store/index.js';

const NAV: { view: View; label: string }[] = [
  { view: 'stack', label: 'Stack' },
  { view: 'forwards', label: 'Forwards' },
  { view: 'logs', label: 'Logs' },
  { view: 'kafka', label: 'Kafka' },
  { view: 'search', label: 'Search' },
  { view: 'doctor', label: 'Doctor' },
];
const BOTTOM_NAV: { view: View; label: string }[] = [
  { view: 'prerequisites', label: 'Prerequisites' },
  { view: 'settings', label: 'Settings' },
];
const ALL_NAV = [...NAV, ...BOTTOM_NAV];

/** The screen for each navigation entry; each pane lives in features/<pane>/. */
const PANES: Record<View, () => ReactElement> = {
  stack: StackView,
  forwards: ForwardsView,
  logs: LogsPane,
  kafka: KafkaPane,
  search: SearchView,
  doctor: DoctorView,
  prerequisites: PrerequisitesView,
  settings: SettingsView,
};

function Pane() {
  const View = PANES[useStore((s) => s.view)];
  return <View />;
}

export function App() {
  const setView = useStore((s) => s.setView);
  const setPaletteOpen = useStore((s) => s.setPaletteOpen);
  const theme = useStore((s) => s.settings.value?.theme ?? 'system');

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setPaletteOpen(true);
      } else if (event.altKey && /^[1-8]$/.test(event.key)) {
        event.preventDefault();
        setView(ALL_NAV[Number(event.key) - 1]!.view);
      } else if (event.key === 'Escape') {
        setPaletteOpen(false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setPaletteOpen, setView]);

  return (
    <div className="shell">
      <TopBar />
      <nav className="nav" aria-label="Main">
        <NavList items={NAV} />
        <div className="nav-spacer" />
        <NavList items={BOTTOM_NAV} />
      </nav>
      <main className="content">
        <Pane />
      </main>
      <Palette />
    </div>
  );
}

function NavList({ items }: { items: { view: View; label: string }[] }) {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const reports = useStore((s) => s.tools.reports);
  const forwardsUp = useStore((s) => s.forwards.list.filter((f) => f.state === 'ready').length);
  const forwardsRunning = useStore((s) => s.forwards.list.filter((f) => f.state !== 'stopped').length);
  const doctorFail = useStore((s) => doctorProblems(s.doctor.report).fail);
  const doctorWarn = useStore((s) => doctorProblems(s.doctor.report).warn);
  const prereqTone: Tone =
    reports.length === 0
      ? 'idle'
      : reports.some((r) => toolTone(r, reports) === 'fail')
        ? 'fail'
        : reports.some((r) => toolTone(r, reports) === 'warn')
          ? 'warn'
          : 'ok';
  return (
    <ul>
      {items.map((item) => (
        <li key={item.view}>
          <button
            type="button"
            className={item.view === view ? 'nav-item active' : 'nav-item'}
            aria-current={item.view === view ? 'page' : undefined}
            onClick={() => setView(item.view)}
            onKeyDown={(event) => {
              if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
              event.preventDefault();
              const buttons = [...document.querySelectorAll<HTMLButtonElement>('.nav-item')];
              const index = buttons.indexOf(event.currentTarget);
              buttons[(index + (event.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
            }}
          >
            <span>{item.label}</span>
            {item.view === 'prerequisites' && <StatusDot tone={prereqTone} />}
            {item.view === 'doctor' && doctorFail + doctorWarn > 0 && (
              <span
                className={`badge badge-${doctorFail > 0 ? 'fail' : 'warn'}`}
                aria-label={`Doctor: ${doctorFail} failing, ${doctorWarn} warnings`}
              >
                {doctorFail + doctorWarn}
              </span>
            )}
            {item.view === 'forwards' && forwardsRunning > 0 && (
              <span className="badge" aria-label={`${forwardsUp} of ${forwardsRunning} forwards ready`}>
                {forwardsUp}/{forwardsRunning}
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}

function TopBar() {
  const settings = useStore((s) => s.settings.value);
  const info = useStore((s) => s.info);
  const running = useStore((s) => s.jobs.list.find((job) => job.state === 'running'));
  const setPaletteOpen = useStore((s) => s.setPaletteOpen);
  const setView = useStore((s) => s.setView);
  const done = running?.steps.filter((step) => step.state === 'done' || step.state === 'skipped').length ?? 0;
  return (
    <header className="topbar">
      <div className="brand">LogClaw</div>
      <ContextSwitcher />
      <div className="context" title="The tenant's namespace">
        <span className="muted">namespace</span> <span className="mono">logclaw-{settings?.tenant ?? 'dev-local'}</span>
      </div>
      {running && (
        <button
          type="button"
          className="job-chip"
          aria-label={`Running job: ${running.title}, open its timeline`}
          onClick={() => setView('stack')}
        >
          <StatusDot tone="busy" /> {running.title} · step {Math.min(done + 1, running.steps.length)}/{running.steps.length}
        </button>
      )}
      <div className="topbar-right">
        <CanaryIndicator />
        {info?.notices.map((notice) => (
          <span key={notice.id} className={`notice notice-${notice.level}`} role="alert" title={notice.hint}>
            {notice.message}
          </span>
        ))}
        <button type="button" onClick={() => setPaletteOpen(true)} aria-label="Command palette (Ctrl+K)">
          ⌘K
        </button>
      </div>
    </header>
  );
}

function ContextSwitcher() {
  const { contexts, lastError } = useStore((s) => s.kube);
  const switchContext = useStore((s) => s.switchContext);
  if (!contexts) {
    return (
      <span className="context muted" title={lastError ? `${lastError.message}. ${lastError.hint ?? ''}` : undefined}>
        context: none
      </span>
    );
  }
  const known = contexts.contexts.some((context) => context.name === contexts.current);
  return (
    <label className="context" title={`From ${contexts.files.join(', ')}`}>
      <span className="muted">context</span>{' '}
      <select
        aria-label="Kubernetes context"
        className="mono"
        value={contexts.current}
        onChange={(event) => void switchContext(event.target.value)}
      >
        {!known && <option value={contexts.current}>{contexts.current || '(none)'} – missing</option>}
        {contexts.contexts.map((context) => (
          <option key={context.name} value={context.name}>
            {context.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Palette() {
  const open = useStore((s) => s.paletteOpen);
  // Mounted only while open, so every opening starts with an empty query.
  return open ? <PaletteDialog /> : null;
}

function PaletteDialog() {
  const setPaletteOpen = useStore((s) => s.setPaletteOpen);
  const setView = useStore((s) => s.setView);
  const detectTools = useStore((s) => s.detectTools);
  const updateSettings = useStore((s) => s.updateSettings);
  const theme = useStore((s) => s.settings.value?.theme ?? 'system');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);

  const actions = useMemo(
    () => [
      ...ALL_NAV.map((item, i) => ({ label: `Go to ${item.label}`, keys: `Alt+${i + 1}`, run: () => setView(item.view) })),
      {
        label: 'Re-check prerequisites',
        keys: '',
        run: () => {
          setView('prerequisites');
          void detectTools();
        },
      },
      {
        label: `Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`,
        keys: '',
        run: () => void updateSettings({ theme: theme === 'dark' ? 'light' : 'dark' }),
      },
    ],
    [setView, detectTools, updateSettings, theme],
  );
  const matches = actions.filter((action) => action.label.toLowerCase().includes(query.toLowerCase()));

  const runAt = (index: number) => {
    const action = matches[index];
    if (!action) return;
    setPaletteOpen(false);
    action.run();
  };
  return (
    <div className="palette-backdrop" onClick={() => setPaletteOpen(false)}>
      <div className="palette" role="dialog" aria-label="Command palette" onClick={(event) => event.stopPropagation()}>
        <input
          autoFocus
          aria-label="Search actions"
          placeholder="Type an action…"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setSelected(0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') setSelected((i) => Math.min(i + 1, matches.length - 1));
            else if (event.key === 'ArrowUp') setSelected((i) => Math.max(i - 1, 0));
            else if (event.key === 'Enter') runAt(selected);
            else return;
            event.preventDefault();
          }}
        />
        <ul role="listbox" aria-label="Actions">
          {matches.map((action, i) => (
            <li
              key={action.label}
              role="option"
              aria-selected={i === selected}
              className={i === selected ? 'selected' : ''}
              onMouseDown={() => runAt(i)}
            >
              <span>{action.label}</span>
              <kbd>{action.keys}</kbd>
            </li>
          ))}
          {matches.length === 0 && <li className="muted">No action matches “{query}”</li>}
        </ul>
      </div>
    </div>
  );
}
