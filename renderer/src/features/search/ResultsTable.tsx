// The hits as a virtualized table: only the rows in view are in the DOM, so 5 000 hits paint as fast
// as 50. Sticky header, sortable columns, numbers right-aligned, times relative (absolute on hover).
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatAgo } from '#contract/format.js';
import type { FieldInfo, SearchHit, SortSpec } from '#contract/search.js';
import { formatAbsolute } from '../../local-time.js';
import { cellText, fieldValue, isDate, isNumeric, toEpoch } from './format.js';
import { markPaintedSoon } from './perf.js';

const ROW_HEIGHT = 25;

export const SOURCE_COLUMN = '_source';

interface Column {
  name: string;
  field: FieldInfo | undefined;
  kind: 'time' | 'level' | 'number' | 'text' | 'source';
  sortField: string | null;
  width: number | undefined;
}

function buildColumns(names: string[], fields: FieldInfo[], timeField: string): Column[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  return names.map((name) => {
    const field = byName.get(name);
    if (name === SOURCE_COLUMN) return { name, field, kind: 'source', sortField: null, width: undefined };
    const kind = isDate(field, name, timeField) ? 'time' : name === 'level' ? 'level' : isNumeric(field) ? 'number' : 'text';
    const width = kind === 'time' ? 150 : kind === 'level' ? 64 : kind === 'number' ? 90 : name === 'message' ? undefined : 150;
    const sortField = field ? (field.sortField ? name : null) : name === timeField ? name : null;
    return { name, field, kind, sortField, width };
  });
}

export function ResultsTable({
  hits,
  columns: columnNames,
  fields,
  timeField,
  sort,
  selected,
  onSelect,
  onSort,
  resultKey,
}: {
  hits: SearchHit[];
  columns: string[];
  fields: FieldInfo[];
  timeField: string;
  sort: SortSpec | null;
  selected: number | null;
  onSelect(index: number | null): void;
  onSort?(sort: SortSpec): void;
  /** Changes with every new result (not with extra pages): scrolls to the top and measures paint. */
  resultKey: unknown;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is stateful by design (the React Compiler skips this component; that is fine).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: hits.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(timer);
  }, []);

  useLayoutEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setNow(Date.now());
  }, [resultKey]);
  useEffect(() => {
    markPaintedSoon(hits.length);
    // Only a new result is measured; extra pages keep the key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [resultKey]);

  useEffect(() => {
    if (selected !== null) virtualizer.scrollToIndex(selected, { align: 'auto' });
  }, [selected, virtualizer]);

  const columns = buildColumns(columnNames, fields, timeField);
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  return (
    <div
      className="sr-scroll"
      ref={scrollRef}
      tabIndex={0}
      role="region"
      aria-label="Results"
      onKeyDown={(event) => {
        if (hits.length === 0) return;
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          const delta = event.key === 'ArrowDown' ? 1 : -1;
          onSelect(Math.min(hits.length - 1, Math.max(0, (selected ?? (delta > 0 ? -1 : hits.length)) + delta)));
        }
      }}
    >
      <table className="table sr-table" aria-label="Search results" aria-rowcount={hits.length + 1}>
        <colgroup>
          {columns.map((column) => (
            <col key={column.name} style={column.width ? { width: column.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((column) => {
              const sorted = sort && column.sortField === sort.field ? sort.order : null;
              return (
                <th
                  key={column.name}
                  scope="col"
                  className={column.kind === 'number' ? 'num' : undefined}
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                >
                  {column.sortField && onSort ? (
                    <button
                      type="button"
                      className="sr-sort"
                      aria-label={`Sort by ${column.name}${sorted === 'desc' ? ', ascending' : ', descending'}`}
                      onClick={() => onSort({ field: column.sortField!, order: sorted === 'desc' ? 'asc' : 'desc' })}
                    >
                      {column.name}
                      <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                    </button>
                  ) : (
                    column.name
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {padTop > 0 && <tr aria-hidden="true" style={{ height: padTop }} />}
          {items.map((item) => (
            <Row
              key={item.key}
              hit={hits[item.index]!}
              index={item.index}
              columns={columns}
              now={now}
              selected={item.index === selected}
              onSelect={onSelect}
            />
          ))}
          {padBottom > 0 && <tr aria-hidden="true" style={{ height: padBottom }} />}
        </tbody>
      </table>
    </div>
  );
}

const Row = memo(function Row({
  hit,
  index,
  columns,
  now,
  selected,
  onSelect,
}: {
  hit: SearchHit;
  index: number;
  columns: Column[];
  now: number;
  selected: boolean;
  onSelect(index: number | null): void;
}) {
  return (
    <tr
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={selected ? 'sr-row selected' : 'sr-row'}
      onClick={() => onSelect(selected ? null : index)}
    >
      {columns.map((column) => (
        <Cell key={column.name} hit={hit} column={column} now={now} />
      ))}
    </tr>
  );
});

function Cell({ hit, column, now }: { hit: SearchHit; column: Column; now: number }) {
  if (column.kind === 'source') {
    return <td className="sr-cell mono">{cellText(hit._source)}</td>;
  }
  const value = fieldValue(hit._source, column.name);
  if (column.kind === 'time') {
    const at = toEpoch(value);
    if (at === null) return <td className="sr-cell">{cellText(value)}</td>;
    return (
      <td className="sr-cell">
        <time dateTime={new Date(at).toISOString()} title={formatAbsolute(at)}>
          {formatAgo(now - at)}
        </time>
      </td>
    );
  }
  const text = cellText(value);
  if (column.kind === 'level') {
    return (
      <td className="sr-cell">
        <span className={`sr-level sr-level-${text.toLowerCase()}`}>{text}</span>
      </td>
    );
  }
  return (
    <td
      className={column.kind === 'number' ? 'sr-cell num mono' : column.name === 'message' ? 'sr-cell sr-message' : 'sr-cell'}
      title={text.length > 40 ? text : undefined}
    >
      {text}
    </td>
  );
}
