// The query DSL editor: CodeMirror 6 with JSON syntax, JSON linting, completion of the index's
// field names (and common DSL keys) inside strings, Ctrl/Cmd-Enter to run, and OpenSearch's own
// error shown at the line and column it names.
import { type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { json, jsonLanguage, jsonParseLinter } from '@codemirror/lang-json';
import { type Diagnostic, lintGutter, linter, setDiagnostics } from '@codemirror/lint';
import { EditorState, Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { ErrorPayload } from '../../../../electron/contract/index.js';
import type { FieldInfo } from '../../../../electron/contract/search.js';

const DSL_KEYS = [
  'query', 'bool', 'must', 'filter', 'should', 'must_not', 'minimum_should_match', 'match', 'match_phrase', 'match_all',
  'multi_match', 'term', 'terms', 'range', 'exists', 'prefix', 'wildcard', 'regexp', 'query_string', 'simple_query_string',
  'ids', 'gte', 'gt', 'lte', 'lt', 'format', 'time_zone', 'sort', 'order', 'size', 'from', '_source', 'fields',
  'track_total_hits', 'aggs', 'date_histogram', 'fixed_interval', 'calendar_interval', 'histogram', 'min', 'max', 'avg',
  'sum', 'cardinality', 'field', 'post_filter', 'highlight', 'search_after', 'default_field', 'analyze_wildcard',
  'unmapped_type', 'asc', 'desc', 'now-15m', 'now-1h', 'now-24h', 'now',
];

/** Where OpenSearch's 1-based line/column falls in the document. */
export function offsetOf(text: string, line: number, col: number): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i += 1) offset += lines[i]!.length + 1;
  const current = lines[Math.min(line - 1, lines.length - 1)] ?? '';
  return Math.min(text.length, offset + Math.max(0, Math.min(col - 1, current.length)));
}

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
  /** A QUERY_INVALID whose detail names a position in the body. */
  error: ErrorPayload | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The editor is built once; callbacks and fields are read through refs.
  const latest = useRef({ onChange, onRun, fields });
  useEffect(() => {
    latest.current = { onChange, onRun, fields };
  });

  useEffect(() => {
    const complete = (context: CompletionContext): CompletionResult | null => {
      const word = context.matchBefore(/"[\w.@-]*/);
      if (!word || (word.from === word.to && !context.explicit)) return null;
      const fieldOptions = latest.current.fields.map((field) => ({ label: field.name, detail: field.type, type: 'property', boost: 2 }));
      const keyOptions = DSL_KEYS.map((key) => ({ label: key, type: 'keyword' }));
      return { from: word.from + 1, options: [...fieldOptions, ...keyOptions], validFor: /^[\w.@-]*$/ };
    };
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          json(),
          jsonLanguage.data.of({ autocomplete: complete }),
          linter(jsonParseLinter(), { delay: 300 }),
          lintGutter(),
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  latest.current.onRun();
                  return true;
                },
              },
            ]),
          ),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'Query DSL' }),
          EditorView.theme({
            '&': { height: '100%', fontSize: '12.5px', backgroundColor: 'var(--bg)', color: 'var(--fg)' },
            '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.45' },
            '.cm-gutters': { backgroundColor: 'var(--bg-soft)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
            '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
            '&.cm-focused': { outline: 'none' },
            '.cm-tooltip': { backgroundColor: 'var(--bg)', border: '1px solid var(--border)' },
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Built once per mount; `value` updates flow in through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Outside edits (a saved query, "Edit as DSL") replace the document.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  // OpenSearch's error at the position it names, until the next edit re-lints.
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const detail = error?.detail as { line?: number; col?: number; positionIn?: string } | undefined;
    const diagnostics: Diagnostic[] = [];
    if (error && detail?.positionIn === 'body' && typeof detail.line === 'number') {
      const text = editor.state.doc.toString();
      const from = offsetOf(text, detail.line, detail.col ?? 1);
      const to = Math.min(text.length, Math.max(from + 1, text.indexOf('\n', from) === -1 ? text.length : text.indexOf('\n', from)));
      diagnostics.push({ from, to, severity: 'error', source: 'OpenSearch', message: error.message });
    }
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [error]);

  return <div className="sr-editor" ref={host} />;
}
