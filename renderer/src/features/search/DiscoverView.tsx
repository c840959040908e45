// Search: the query bar (query string or DSL), time range, level/service quick filters, the
// histogram, the result bar ("showing N of M", pages, columns), the results table and the row detail.
import { useCallback } from 'react';
import { formatCount } from '#contract/format.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useStore } from '../../store/index.js';
import { ColumnPicker, defaultColumns } from './ColumnPicker.js';
import { DetailPanel } from './DetailPanel.js';
import { Facets } from './Facets.js';
import { describeRange } from './format.js';
import { Histogram } from './Histogram.js';
import { QueryBar } from './QueryBar.js';
import { ResultsTable } from './ResultsTable.js';

const PAGE_SIZES = [100, 500, 1000, 5000];

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
            {simple ? ` for ${describeRange((ranForm ?? form).range)}` : ''}. Widen the time range, clear the filters, or send a test log
            from Logs.
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
