// The log composer: templates on the left, the JSON editor with validation, send one (Ctrl+Enter),
// save as a template, and the equivalent commands.
import { useState } from 'react';
import { shellWords } from '#contract/command.js';
import { LogPayload } from '#contract/logs.js';
import { CopyButton } from '../../components/CopyButton.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { JsonCodeEditor } from '../../components/JsonCodeEditor.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { useStore } from '../../store/index.js';

/** What is wrong with the editor's text as a Vector body, or null. */
export function payloadProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  const parsed = LogPayload.safeParse(value);
  if (!parsed.success) return 'Vector’s json codec takes a JSON object, or an array of objects (one event each)';
  return null;
}

export function Composer({
  text,
  setText,
  selected,
  setSelected,
}: {
  text: string;
  setText(text: string): void;
  selected: string;
  setSelected(name: string): void;
}) {
  const { state, send } = useStore((s) => s.logs);
  const sendLog = useStore((s) => s.logsSend);
  const saveTemplate = useStore((s) => s.logsSaveTemplate);
  const deleteTemplate = useStore((s) => s.logsDeleteTemplate);
  const [name, setName] = useState('');
  const templates = state?.templates ?? [];
  const problem = payloadProblem(text);
  const current = templates.find((t) => t.name === selected);
  const url = state?.vectorUrl ?? 'http://127.0.0.1:18080';
  const minified = problem ? text : JSON.stringify(JSON.parse(text));
  const curl = shellWords(['curl', '-X', 'POST', url, '-H', 'Content-Type: application/json', '-d', minified]);
  const logclawCommand = shellWords(['logclaw', 'send-log', '--json', minified]);
  const run = () => {
    if (!problem && !send.sending) void sendLog(JSON.parse(text) as never);
  };

  return (
    <section className="lg-card lg-composer" aria-labelledby="lg-composer-title">
      <h3 id="lg-composer-title">Compose and send</h3>
      <div className="lg-composer-body">
        <ul className="lg-templates" role="listbox" aria-label="Templates">
          {templates.map((template) => (
            <li key={template.name} role="option" aria-selected={template.name === selected}>
              <button
                type="button"
                title={template.description}
                className={template.name === selected ? 'active' : ''}
                onClick={() => {
                  setSelected(template.name);
                  setText(JSON.stringify(template.event, null, 2));
                }}
              >
                <span className="mono">{template.name}</span>
                {!template.builtin && <span className="tag">mine</span>}
              </button>
            </li>
          ))}
        </ul>
        <div className="lg-editor-col">
          <JsonCodeEditor className="lg-editor" label="Log event JSON" value={text} onChange={setText} onRun={run} />
          <div className={problem ? 'lg-problem' : 'lg-valid muted small'} role="status" aria-label="Event validation">
            {problem ??
              `Valid: ${Array.isArray(JSON.parse(text)) ? `${(JSON.parse(text) as unknown[]).length} events` : '1 event'} · Ctrl+Enter sends`}
          </div>
          <div className="lg-actions">
            <button type="button" className="primary" onClick={run} disabled={Boolean(problem) || send.sending}>
              {send.sending ? 'Sending…' : 'Send to Vector'}
            </button>
            <input
              aria-label="Template name"
              placeholder="template-name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              size={16}
            />
            <button
              type="button"
              disabled={Boolean(problem) || !name.trim() || Array.isArray(problem ? null : JSON.parse(text))}
              onClick={() => {
                void saveTemplate(name.trim(), '', JSON.parse(text) as never).then((ok) => {
                  if (ok) {
                    setSelected(name.trim());
                    setName('');
                  }
                });
              }}
            >
              Save as template
            </button>
            {current && !current.builtin && (
              <button
                type="button"
                className="danger"
                onClick={() => void deleteTemplate(current.name)}
                aria-label={`Delete template ${current.name}`}
              >
                Delete template
              </button>
            )}
            <CopyButton text={curl} title={curl} label="Copy as curl" />
            <CopyButton text={logclawCommand} title={logclawCommand} label="Copy as logclaw command" />
          </div>
          {send.error && <ErrorLine error={send.error} />}
          {send.history.length > 0 && (
            <ul className="lg-history" aria-label="Sent">
              {send.history.slice(0, 4).map((item) => (
                <li key={item.at}>
                  <span className="dot dot-ok" /> {item.count} event{item.count === 1 ? '' : 's'} → <span className="mono">{item.url}</span>{' '}
                  · HTTP {item.status} in {Math.round(item.latencyMs)} ms · <RelativeTime at={item.at} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
