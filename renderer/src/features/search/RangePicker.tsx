import { useState } from 'react';
import type { TimeRange } from '#contract/search.js';
import { fromLocalInput, toLocalInput } from '../../local-time.js';
import { RANGE_PRESETS, rangeKey } from './format.js';

/** A preset ("Last 1 hour") or an absolute from → to, applied when an input loses focus. */
export function RangePicker({ range, onChange }: { range: TimeRange; onChange(range: TimeRange): void }) {
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
          <input
            type="datetime-local"
            step="1"
            aria-label="From"
            value={from}
            onChange={(event) => setFrom(event.target.value)}
            onBlur={apply}
          />
          <span className="muted">→</span>
          <input type="datetime-local" step="1" aria-label="To" value={to} onChange={(event) => setTo(event.target.value)} onBlur={apply} />
        </span>
      )}
    </>
  );
}
