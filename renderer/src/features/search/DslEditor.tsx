// The query DSL editor: the shared JSON editor, completing the index's field names (and common DSL
// keys) inside strings, with OpenSearch's own error shown at the line and column it names.
import { useMemo } from 'react';
import type { ErrorPayload } from '#contract/index.js';
import type { FieldInfo } from '#contract/search.js';
import { type JsonProblem, JsonCodeEditor } from '../../components/JsonCodeEditor.js';

const DSL_KEYS = [
  'query',
  'bool',
  'must',
  'filter',
  'should',
  'must_not',
  'minimum_should_match',
  'match',
  'match_phrase',
  'match_all',
  'multi_match',
  'term',
  'terms',
  'range',
  'exists',
  'prefix',
  'wildcard',
  'regexp',
  'query_string',
  'simple_query_string',
  'ids',
  'gte',
  'gt',
  'lte',
  'lt',
  'format',
  'time_zone',
  'sort',
  'order',
  'size',
  'from',
  '_source',
  'fields',
  'track_total_hits',
  'aggs',
  'date_histogram',
  'fixed_interval',
  'calendar_interval',
  'histogram',
  'min',
  'max',
  'avg',
  'sum',
  'cardinality',
  'field',
  'post_filter',
  'highlight',
  'search_after',
  'default_field',
  'analyze_wildcard',
  'unmapped_type',
  'asc',
  'desc',
  'now-15m',
  'now-1h',
  'now-24h',
  'now',
].map((key) => ({ label: key, type: 'keyword' }));

export function DslEditor({
  value,
  onChange,
  onRun,
  fields,
  error,
}: {
  value: string;
  onChange(value: string): void;
  onRun(): void;
  fields: FieldInfo[];
  /** A QUERY_INVALID whose detail may name a position in the body. */
  error: ErrorPayload | null;
}) {
  // Memoized: a new problem object would replace the linter's own diagnostics on every render.
  const problem = useMemo((): JsonProblem | null => {
    const detail = error?.detail as { line?: number; col?: number; positionIn?: string } | undefined;
    if (!error || detail?.positionIn !== 'body' || typeof detail.line !== 'number') return null;
    return { line: detail.line, col: detail.col ?? 1, message: error.message, source: 'OpenSearch' };
  }, [error]);
  return (
    <JsonCodeEditor
      className="sr-editor"
      label="Query DSL"
      value={value}
      onChange={onChange}
      onRun={onRun}
      completions={() => [...fields.map((field) => ({ label: field.name, detail: field.type, type: 'property', boost: 2 })), ...DSL_KEYS]}
      problem={problem}
    />
  );
}
