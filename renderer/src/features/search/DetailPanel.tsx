// One document as formatted JSON in a side panel, with copy; Esc or × closes it.
import { useEffect } from 'react';
import type { SearchHit } from '#contract/search.js';
import { CopyButton } from '../../components/CopyButton.js';

export function DetailPanel({
  hit,
  position,
  total,
  onClose,
  onMove,
}: {
  hit: SearchHit;
  position: number;
  total: number;
  onClose(): void;
  onMove(delta: number): void;
}) {
  const json = JSON.stringify({ _index: hit._index, _id: hit._id, _score: hit._score, _source: hit._source }, null, 2);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <aside className="sr-detail" aria-label="Document detail">
      <header className="sr-detail-head">
        <div className="sr-detail-title">
          <span className="mono small" title={hit._index}>
            {hit._index}
          </span>
          <span className="mono small muted" title={hit._id}>
            {hit._id}
          </span>
        </div>
        <div className="sr-detail-actions">
          <span className="muted small">
            {position + 1} / {total}
          </span>
          <button type="button" aria-label="Previous document" disabled={position === 0} onClick={() => onMove(-1)}>
            ↑
          </button>
          <button type="button" aria-label="Next document" disabled={position >= total - 1} onClick={() => onMove(1)}>
            ↓
          </button>
          <CopyButton text={json} label="Copy JSON" />
          <button type="button" aria-label="Close detail (Esc)" onClick={onClose}>
            ×
          </button>
        </div>
      </header>
      <pre className="sr-json" tabIndex={0} aria-label="Document JSON">
        <JsonView text={json} />
      </pre>
    </aside>
  );
}

/** Light syntax colouring of pretty-printed JSON: keys, strings, numbers, literals. */
function JsonView({ text }: { text: string }) {
  const parts: Array<{ text: string; className?: string }> = [];
  const pattern = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    if (match[1]) {
      parts.push({ text: match[1], className: match[2] ? 'sr-json-key' : 'sr-json-string' });
      if (match[2]) parts.push({ text: match[2] });
    } else {
      parts.push({ text: match[0], className: match[3] ? 'sr-json-literal' : 'sr-json-number' });
    }
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return (
    <>
      {parts.map((part, i) =>
        part.className ? (
          <span key={i} className={part.className}>
            {part.text}
          </span>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
