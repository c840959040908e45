import { useEffect, useRef, useState } from 'react';
import type { FieldInfo } from '#contract/search.js';
import { useStore } from '../../store/index.js';
import { SOURCE_COLUMN } from './ResultsTable.js';

const LOG_COLUMNS = ['ingest_timestamp', 'level', 'service', 'message'];

/** LogClaw's log fields when the mapping has them, else the time field and the whole document. */
export function defaultColumns(fields: FieldInfo[], timeField: string): string[] {
  const names = new Set(fields.map((f) => f.name));
  const logs = LOG_COLUMNS.filter((name) => names.has(name));
  if (logs.includes('message')) return logs;
  return [...(names.has(timeField) ? [timeField] : []), SOURCE_COLUMN];
}

/** The table's columns: a filterable list of the mapping's fields; Esc or a click outside closes it. */
export function ColumnPicker({ columns, fields }: { columns: string[]; fields: FieldInfo[] }) {
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
          <input
            autoFocus
            aria-label="Filter fields"
            placeholder="Filter fields…"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
          <ul>
            {shown.map((name) => (
              <li key={name}>
                <label className="sr-check">
                  <input type="checkbox" checked={columns.includes(name)} onChange={() => toggle(name)} aria-label={`Column ${name}`} />
                  <span className="mono small">{name}</span>
                  <span className="muted small">
                    {name === SOURCE_COLUMN ? 'whole document' : fields.find((f) => f.name === name)?.type}
                  </span>
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
