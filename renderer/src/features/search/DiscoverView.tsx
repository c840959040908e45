// Search: the query bar (query string or DSL), time range, level/service quick filters, the
// histogram, the results table and the row detail.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { formatCount } from '../../../../electron/contract/format.js';
import type { FieldInfo, TermsBucket, TimeRange } from '../../../../electron/contract/search.js';
import { CopyButton } from '../../components/CopyButton.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useStore } from '../../store/index.js';
import { DetailPanel } from './DetailPanel.js';
import { DslEditor } from './DslEditor.js';
import { fromLocalInput, toLocalInput } from '../../local-time.js';
import { RANGE_PRESETS, describeRange, rangeKey } from './format.js';
import { Histogram } from './Histogram.js';
import { ResultsTable, SOURCE_COLUMN } from './ResultsTable.js';
import { DEFAULT_FORM } from './slice.js';

const LOG_COLUMNS = ['ingest_timestamp', 'level', 'service', 'message'];
const PAGE_SIZES = [100, 500, 1000, 5000];

export function defaultColumns(fields: FieldInfo[], timeField: string): string[] {
  const names = new Set(fields.map((f) => f.name));
  const logs = LOG_COLUMNS.filter((name) => names.has(name));
  if (logs.includes('message')) return logs;
  return [...(names.has(timeField) ? [timeField] : []), SOURCE_COLUMN];
}

export function DiscoverView() {
  const search = useStore((s) => s.search);
  const runSearch = useStore((s) => s.runSearch);
  const selectHit = useStore((s) => s.selectHit);
  const loadMore = useStore((s) => s.loadMoreHits);
  const { form, result, hits, status, lastError, fields, selected, ranForm } = search;
  const columns = search.columns ?? defaultColumns(fields, form.timeField);
  const onSelect = useCallback((index: number | null) => selectHit(index), [selectHit]);
  const simple = (ranForm ?? form).mode === 'simple';
  const selectedHit = selected !== null ? hits[selected] : undefined;

  return (
    <div className="sr-discover">
      <QueryBar />
      {form.mode === 'simple' && <Facets />}
      {lastError && <ErrorLine error={lastError} />}
      {result?.histogram && (
        <Histogram
          stale={status === 'error'}
          histogram={result.histogram}
          range={result.range}
          onZoom={simple ? (from, to) => void runSearch({ range: { kind: 'absolute', from, to } }) : undefined}
        />
      )}
      {result && (
        <div className="sr-resultbar">
          <span role="status" aria-label="Result count">
            showing <strong>{formatCount(hits.length)}</strong> of <strong>{formatCount(result.total)}</strong>
            {result.totalRelation === 'gte' ? '+' : ''} hits
          </span>
          <span className="muted">· took {formatCount(result.took)} ms</span>
          {status === 'error' && <span className="tag">previous results</span>}
          {status === 'loading' && <span className="muted">· running…</span>}
          {result.shards.failed > 0 && (
            <span className="sr-warn">
              · {result.shards.failed} of {result.shards.total} shards failed
            </span>
          )}
          {result.timedOut && <span className="sr-warn">· timed out, partial results</span>}
          <span className="sr-push" />
          {result.next && hits.length < result.total && (
            <button type="button" onClick={() => void loadMore()} disabled={search.loadingMore}>
              {search.loadingMore ? 'Loading…' : `Load ${formatCount(Math.min(form.size, result.total - hits.length))} more`}
            </button>
          )}
          <label className="sr-inline">
            <span className="muted">page</span>
            <select aria-label="Page size" value={form.size} onChange={(event) => void runSearch({ size: Number(event.target.value) })}>
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {formatCount(size)}
                </option>
              ))}
            </select>
          </label>
          <ColumnPicker columns={columns} fields={fields} />
        </div>
      )}
      {status === 'loading' && !result && <p className="muted">Searching…</p>}
      {result && hits.length === 0 && (
        <EmptyState
          title="No documents match"
          action={
            simple && form.range.kind !== 'all' ? (
              <button type="button" onClick={() => void runSearch({ range: { kind: 'all' } })}>
                Search all time
              </button>
            ) : undefined
          }
        >
          <p>
            Nothing in <span className="mono">{(ranForm ?? form).index}</span>
            {simple ? ` for ${describeRange((ranForm ?? form).range)}` : ''}. Widen the time range, clear the filters, or send a test log from Logs.
          </p>
        </EmptyState>
      )}
      {result && hits.length > 0 && (
        <div className={status === 'error' ? 'sr-results sr-stale' : 'sr-results'}>
          <ResultsTable
            hits={hits}
            columns={columns}
            fields={fields}
            timeField={(ranForm ?? form).timeField}
            sort={simple ? (ranForm ?? form).sort : null}
            selected={selected}
            onSelect={onSelect}
            onSort={simple ? (sort) => void runSearch({ sort }) : undefined}
            resultKey={result.request}
          />
          {selectedHit && (
            <DetailPanel
              hit={selectedHit}
              position={selected!}
              total={hits.length}
              onClose={() => selectHit(null)}
              onMove={(delta) => selectHit(Math.max(0, Math.min(hits.length - 1, selected! + delta)))}
            />
          )}
        </div>
      )}
    </div>
  );
}

function QueryBar() {
  const { form, result, fields, indices, saved, savedId, status, lastError } = useStore((s) => s.search);
  const setForm = useStore((s) => s.setSearchForm);
  const runSearch = useStore((s) => s.runSearch);
  // Drafts of the inputs; a change in the store (saved query, index link) replaces them.
  const [index, setIndex] = useState(form.index);
  const [query, setQuery] = useState(form.query);
  const [seen, setSeen] = useState({ index: form.index, query: form.query });
  if (seen.index !== form.index || seen.query !== form.query) {
    setSeen({ index: form.index, query: form.query });
    if (seen.index !== form.index) setIndex(form.index);
    if (seen.query !== form.query) setQuery(form.query);
  }
  const patterns = useMemo(() => [...new Set(indices.filter((i) => !i.system).flatMap((i) => [i.pattern, i.index]))].sort(), [indices]);
  const run = () => void runSearch({ index: index.trim() || DEFAULT_FORM.index, query });
  const busy = status === 'loading';

  return (
    <div className="sr-querybar">
      <form
        className="sr-toolbar"
        role="search"
        aria-label="Search logs"
        onSubmit={(event) => {
          event.preventDefault();
          run();
        }}
      >
        <input
          aria-label="Index pattern"
          className="mono sr-index"
          list="sr-index-patterns"
          value={index}
          onChange={(event) => setIndex(event.target.value)}
          onBlur={() => index.trim() && setForm({ index: index.trim() })}
        />
        <datalist id="sr-index-patterns">
          {patterns.map((pattern) => (
            <option key={pattern} value={pattern} />
          ))}
        </datalist>
        <div className="sr-segmented" role="group" aria-label="Query mode">
          <button type="button" aria-pressed={form.mode === 'simple'} onClick={() => setForm({ mode: 'simple' })}>
            Query string
          </button>
          <button type="button" aria-pressed={form.mode === 'dsl'} onClick={() => setForm({ mode: 'dsl' })}>
            Query DSL
          </button>
        </div>
        {form.mode === 'simple' ? (
          <input
            aria-label="Query"
            className="mono sr-query"
            placeholder='level:ERROR AND message:"timeout"  (empty: everything)'
            title="Query-string (Lucene) syntax: field:value, AND/OR/NOT, quotes for phrases, * wildcards"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        ) : (
          <span className="muted small sr-query">The body below is sent as typed; time range and quick filters apply to query-string searches.</span>
        )}
        {form.mode === 'simple' && <RangePicker range={form.range} onChange={(range) => void runSearch({ range, index: index.trim() || DEFAULT_FORM.index, query })} />}
        {/* Never disabled: a new run supersedes one in flight (and Enter must always submit). */}
        <button type="submit" className="primary" title="Run (Enter; Ctrl/Cmd-Enter in the DSL editor)">
          {busy ? 'Running…' : 'Run'}
        </button>
      </form>
      {form.mode === 'dsl' && (
        <DslEditor
          value={form.dsl}
          onChange={(dsl) => setForm({ dsl })}
          onRun={() => void runSearch({ index: index.trim() || DEFAULT_FORM.index })}
          fields={fields}
          error={lastError?.code === 'QUERY_INVALID' ? lastError : null}
        />
      )}
      {form.mode === 'dsl' && <p className="muted small sr-editor-hint">Ctrl/Cmd-Enter runs the body · Ctrl-Space completes field names from the mapping</p>}
      <div className="sr-toolbar sr-toolbar-secondary">
        <SavedQueries saved={saved} savedId={savedId} />
        <span className="sr-push" />
        {result && form.mode === 'simple' && (
          <button
            type="button"
            title="Open the request this search sent in the DSL editor"
            onClick={() => {
              const body = JSON.parse(result.request.body) as Record<string, unknown>;
              delete body.aggs;
              setForm({ mode: 'dsl', dsl: JSON.stringify(body, null, 2) });
            }}
          >
            Edit as DSL
          </button>
        )}
        <CopyButton text={result?.curl ?? ''} title={result?.curl} label="Copy as curl" disabled={!result} />
      </div>
    </div>
  );
}

function RangePicker({ range, onChange }: { range: TimeRange; onChange(range: TimeRange): void }) {
  const key = rangeKey(range);
  const [custom, setCustom] = useState(key === 'custom');
  const [from, setFrom] = useState(() => toLocalInput(range.kind === 'absolute' ? range.from : Date.now() - 3_600_000));
  const [to, setTo] = useState(() => toLocalInput(range.kind === 'absolute' ? range.to : Date.now()));
  // A zoom from the histogram sets an absolute range: show it in the inputs.
  const [seen, setSeen] = useState(range);
  if (seen !== range) {
    setSeen(range);
    if (range.kind === 'absolute') {
      setCustom(true);
      setFrom(toLocalInput(range.from));
      setTo(toLocalInput(range.to));
    }
  }
  const apply = () => {
    const start = fromLocalInput(from);
    const end = fromLocalInput(to);
    if (start !== null && end !== null && start < end) onChange({ kind: 'absolute', from: start, to: end });
  };
  return (
    <>
      <select
        aria-label="Time range"
        value={custom ? 'custom' : key}
        onChange={(event) => {
          const value = event.target.value;
          if (value === 'custom') {
            setCustom(true);
            return;
          }
          setCustom(false);
          const preset = RANGE_PRESETS.find((p) => p.value === value);
          if (preset) onChange(preset.range);
        }}
      >
        {RANGE_PRESETS.map((preset) => (
          <option key={preset.value} value={preset.value}>
            {preset.label}
          </option>
        ))}
        {key.startsWith('rel:') && <option value={key}>Last {key.slice(4)}</option>}
        <option value="custom">Absolute…</option>
      </select>
      {custom && (
        <span className="sr-absolute">
          <input type="datetime-local" step="1" aria-label="From" value={from} onChange={(event) => setFrom(event.target.value)} onBlur={apply} />
          <span className="muted">→</span>
          <input type="datetime-local" step="1" aria-label="To" value={to} onChange={(event) => setTo(event.target.value)} onBlur={apply} />
        </span>
      )}
    </>
  );
}

function Facets() {
  const { result, ranForm, form } = useStore((s) => s.search);
  const runSearch = useStore((s) => s.runSearch);
  const facets = result?.facets;
  if (!facets || ranForm?.mode !== 'simple') return null;
  const toggle = (kind: 'levels' | 'services', key: string) => {
    const current = form[kind];
    void runSearch({ [kind]: current.includes(key) ? current.filter((v) => v !== key) : [...current, key] });
  };
  return (
    <div className="sr-facets" role="group" aria-label="Quick filters">
      <FacetGroup label="Level" field="level" buckets={facets.level} selected={form.levels} onToggle={(key) => toggle('levels', key)} />
      <FacetGroup label="Service" field="service" buckets={facets.service} selected={form.services} onToggle={(key) => toggle('services', key)} />
      {(form.levels.length > 0 || form.services.length > 0) && (
        <button type="button" className="link" onClick={() => void runSearch({ levels: [], services: [] })}>
          clear filters
        </button>
      )}
    </div>
  );
}

function FacetGroup({ label, field, buckets, selected, onToggle }: { label: string; field: string; buckets: TermsBucket[]; selected: string[]; onToggle(key: string): void }) {
  // Selected values stay visible even when the other filters leave them no hits.
  const shown = [...buckets, ...selected.filter((key) => !buckets.some((b) => b.key === key)).map((key) => ({ key, count: 0 }))];
  return (
    <div className="sr-facet">
      <span className="muted small">{label}</span>
      {shown.length === 0 && <span className="muted small">no values</span>}
      {shown.map((bucket) => {
        const on = selected.includes(bucket.key);
        return (
          <button
            key={bucket.key}
            type="button"
            className={`sr-chip${on ? ' on' : ''}${field === 'level' ? ` sr-level-${bucket.key.toLowerCase()}` : ''}`}
            aria-pressed={on}
            aria-label={`${label} ${bucket.key}: ${formatCount(bucket.count)} hits`}
            onClick={() => onToggle(bucket.key)}
          >
            {bucket.key} <span className="sr-chip-count">{formatCount(bucket.count)}</span>
          </button>
        );
      })}
    </div>
  );
}

function ColumnPicker({ columns, fields }: { columns: string[]; fields: FieldInfo[] }) {
  const setColumns = useStore((s) => s.setSearchColumns);
  const timeField = useStore((s) => s.search.form.timeField);
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        setOpen(false);
      }
    };
    const onClick = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('mousedown', onClick);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('mousedown', onClick);
    };
  }, [open]);
  const names = [SOURCE_COLUMN, ...fields.filter((f) => f.type !== 'object' && f.type !== 'nested').map((f) => f.name)];
  const shown = names.filter((name) => name.toLowerCase().includes(filter.trim().toLowerCase()));
  const toggle = (name: string) => setColumns(columns.includes(name) ? columns.filter((c) => c !== name) : [...columns, name]);
  return (
    <div className="sr-popover-anchor" ref={ref}>
      <button type="button" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)}>
        Columns ({columns.length})
      </button>
      {open && (
        <div className="sr-popover" role="dialog" aria-label="Columns">
          <input autoFocus aria-label="Filter fields" placeholder="Filter fields…" value={filter} onChange={(event) => setFilter(event.target.value)} />
          <ul>
            {shown.map((name) => (
              <li key={name}>
                <label className="sr-check">
                  <input type="checkbox" checked={columns.includes(name)} onChange={() => toggle(name)} aria-label={`Column ${name}`} />
                  <span className="mono small">{name}</span>
                  <span className="muted small">{name === SOURCE_COLUMN ? 'whole document' : fields.find((f) => f.name === name)?.type}</span>
                </label>
              </li>
            ))}
            {shown.length === 0 && <li className="muted small">No field matches “{filter}”</li>}
          </ul>
          <div className="sr-popover-actions">
            <button type="button" className="link" onClick={() => setColumns(null)}>
              reset to {defaultColumns(fields, timeField).join(', ')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function SavedQueries({ saved, savedId }: { saved: { id: string; name: string }[]; savedId: string | null }) {
  const apply = useStore((s) => s.applySavedQuery);
  const save = useStore((s) => s.saveSearchQuery);
  const remove = useStore((s) => s.deleteSavedQuery);
  const [naming, setNaming] = useState(false);
  const current = saved.find((q) => q.id === savedId);
  const [name, setName] = useState('');
  return (
    <div className="sr-saved">
      <select aria-label="Saved queries" value={savedId ?? ''} onChange={(event) => event.target.value && void apply(event.target.value)}>
        <option value="">{saved.length ? 'Saved queries…' : 'No saved queries'}</option>
        {saved.map((query) => (
          <option key={query.id} value={query.id}>
            {query.name}
          </option>
        ))}
      </select>
      {naming ? (
        <form
          className="sr-inline"
          onSubmit={(event) => {
            event.preventDefault();
            if (!name.trim()) return;
            void save(name).then((ok) => ok && setNaming(false));
          }}
        >
          <input autoFocus aria-label="Query name" placeholder="Name" value={name} onChange={(event) => setName(event.target.value)} onKeyDown={(event) => event.key === 'Escape' && setNaming(false)} />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setNaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          onClick={() => {
            setName(current?.name ?? '');
            setNaming(true);
          }}
        >
          Save query…
        </button>
      )}
      {current && !naming && (
        <button type="button" className="link danger" aria-label={`Delete saved query ${current.name}`} onClick={() => void remove(current.id)}>
          delete
        </button>
      )}
    </div>
  );
}
