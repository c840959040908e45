// Quick filters: the level and service values of the current hits with their counts; each toggles
// a filter (a facet's counts ignore its own selection).
import { formatCount } from '#contract/format.js';
import type { TermsBucket } from '#contract/search.js';
import { useStore } from '../../store/index.js';

export function Facets() {
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
      <FacetGroup
        label="Service"
        field="service"
        buckets={facets.service}
        selected={form.services}
        onToggle={(key) => toggle('services', key)}
      />
      {(form.levels.length > 0 || form.services.length > 0) && (
        <button type="button" className="link" onClick={() => void runSearch({ levels: [], services: [] })}>
          clear filters
        </button>
      )}
    </div>
  );
}

function FacetGroup({
  label,
  field,
  buckets,
  selected,
  onToggle,
}: {
  label: string;
  field: string;
  buckets: TermsBucket[];
  selected: string[];
  onToggle(key: string): void;
}) {
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
