// A JSON editor (CodeMirror 6): syntax, linting as you type, Ctrl/Cmd-Enter to run, optional
// completion inside strings, and a problem found elsewhere (the server's) shown where it points.
import { type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { json, jsonLanguage, jsonParseLinter } from '@codemirror/lang-json';
import { type Diagnostic, lintGutter, linter, setDiagnostics } from '@codemirror/lint';
import { EditorState, Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

/** A problem at a 1-based line and column of the document. */
export interface JsonProblem {
  line: number;
  col: number;
  message: string;
  /** Who found it, shown with the message (e.g. "OpenSearch"). */
  source: string;
}

/** Where a 1-based line/column falls in the text, clamped to it. */
function offsetOf(text: string, line: number, col: number): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i += 1) offset += lines[i]!.length + 1;
  const current = lines[Math.min(line - 1, lines.length - 1)] ?? '';
  return Math.min(text.length, offset + Math.max(0, Math.min(col - 1, current.length)));
}

const THEME = EditorView.theme({
  '&': { height: '100%', fontSize: '12.5px', backgroundColor: 'var(--bg)', color: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.45' },
  '.cm-gutters': { backgroundColor: 'var(--bg-soft)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-tooltip': { backgroundColor: 'var(--bg)', border: '1px solid var(--border)' },
});

export function JsonCodeEditor({
  value,
  onChange,
  onRun,
  label,
  className,
  completions,
  problem = null,
}: {
  value: string;
  onChange(value: string): void;
  onRun(): void;
  /** The editor's accessible name. */
  label: string;
  className: string;
  /** Words offered inside JSON strings (Ctrl-Space, or while typing); read at each completion. */
  completions?(): Completion[];
  /** Shown until the next edit re-lints. */
  problem?: JsonProblem | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The editor is built once; callbacks are read through a ref.
  const latest = useRef({ onChange, onRun, completions });
  useEffect(() => {
    latest.current = { onChange, onRun, completions };
  });

  useEffect(() => {
    const complete = (context: CompletionContext): CompletionResult | null => {
      const word = context.matchBefore(/"[\w.@-]*/);
      if (!word || (word.from === word.to && !context.explicit)) return null;
      return { from: word.from + 1, options: latest.current.completions?.() ?? [], validFor: /^[\w.@-]*$/ };
    };
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          json(),
          ...(completions ? [jsonLanguage.data.of({ autocomplete: complete })] : []),
          linter(jsonParseLinter(), { delay: 300 }),
          lintGutter(),
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (latest.current.onRun(), true) }])),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          THEME,
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Built once per mount; `value` and `problem` flow in through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Outside edits (a picked template, a saved query) replace the document.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const diagnostics: Diagnostic[] = [];
    if (problem) {
      const text = editor.state.doc.toString();
      const from = offsetOf(text, problem.line, problem.col);
      const lineEnd = text.indexOf('\n', from);
      const to = Math.min(text.length, Math.max(from + 1, lineEnd === -1 ? text.length : lineEnd));
      diagnostics.push({ from, to, severity: 'error', source: problem.source, message: problem.message });
    }
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [problem]);

  return <div className={className} ref={host} />;
}
