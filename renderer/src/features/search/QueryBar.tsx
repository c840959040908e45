// The query bar: index pattern, query string or DSL (with its editor), time range, Run, saved
// queries, "Edit as DSL" and "Copy as curl".
import { useMemo, useState } from 'react';
import { CopyButton } from '../../components/CopyButton.js';
import { useStore } from '../../store/index.js';
import { DslEditor } from './DslEditor.js';
import { RangePicker } from './RangePicker.js';
import { SavedQueries } from './SavedQueries.js';
import { DEFAULT_FORM } from './slice.js';

export function QueryBar() {
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
          <span className="muted small sr-query">
            The body below is sent as typed; time range and quick filters apply to query-string searches.
          </span>
        )}
        {form.mode === 'simple' && (
          <RangePicker
            range={form.range}
            onChange={(range) => void runSearch({ range, index: index.trim() || DEFAULT_FORM.index, query })}
          />
        )}
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
      {form.mode === 'dsl' && (
        <p className="muted small sr-editor-hint">Ctrl/Cmd-Enter runs the body · Ctrl-Space completes field names from the mapping</p>
      )}
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
