import { useMemo, useState } from 'react';
import { CopyCommand } from '../../components/CopyButton.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useStore } from '../../store/index.js';
import { produceCommand } from './format.js';

const EXAMPLE =
  '{\n  "timestamp": "2025-01-01T00:00:00Z",\n  "level": "error",\n  "service": "checkout",\n  "message": "payment failed"\n}';

function jsonProblem(value: string): string | null {
  try {
    JSON.parse(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function parseHeaders(text: string): { headers: Record<string, string>; problem: string | null } {
  const headers: Record<string, string> = {};
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const at = line.indexOf(':');
    if (at <= 0) return { headers, problem: `Header line “${line}” is not name: value` };
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { headers, problem: null };
}

export function ProduceView() {
  const { topics, produce, connection } = useStore((s) => s.kafka);
  const send = useStore((s) => s.kafkaProduce);
  const setTopic = useStore((s) => s.kafkaSetProduceTopic);
  const topic = produce.topic || topics[0]?.name || '';
  const partitions = topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  const [key, setKey] = useState('');
  const [partition, setPartition] = useState('');
  const [headerText, setHeaderText] = useState('');
  const [format, setFormat] = useState<'json' | 'text'>('json');
  const [value, setValue] = useState(EXAMPLE);
  const problem = format === 'json' ? jsonProblem(value) : null;
  const headers = useMemo(() => parseHeaders(headerText), [headerText]);
  const request = {
    topic,
    format,
    headers: headers.headers,
    value,
    ...(key ? { key } : {}),
    ...(partition === '' ? {} : { partition: Number(partition) }),
  };
  const canSend = Boolean(topic) && !problem && !headers.problem && !produce.sending;

  return (
    <form
      className="kf-produce"
      aria-label="Produce a message"
      onSubmit={(event) => {
        event.preventDefault();
        if (!canSend) return;
        void send({
          topic,
          format,
          message: {
            value,
            headers: headers.headers,
            ...(key ? { key } : {}),
            ...(partition === '' ? {} : { partition: Number(partition) }),
          },
        });
      }}
      onKeyDown={(event) => {
        if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
          event.preventDefault();
          event.currentTarget.requestSubmit();
        }
      }}
    >
      <div className="kf-produce-row">
        <label>
          Topic
          <select aria-label="Produce topic" value={topic} onChange={(event) => setTopic(event.target.value)}>
            {topics.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Key
          <input
            aria-label="Message key"
            className="mono"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            placeholder="(none)"
          />
        </label>
        <label>
          Partition
          <select aria-label="Target partition" value={partition} onChange={(event) => setPartition(event.target.value)}>
            <option value="">By key (Kafka’s partitioner)</option>
            {Array.from({ length: partitions }, (_, i) => (
              <option key={i} value={String(i)}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="kf-format">
          <legend>Value is</legend>
          <label className="kf-check">
            <input type="radio" name="kf-format" checked={format === 'json'} onChange={() => setFormat('json')} /> JSON
          </label>
          <label className="kf-check">
            <input type="radio" name="kf-format" checked={format === 'text'} onChange={() => setFormat('text')} /> Text
          </label>
        </fieldset>
      </div>
      <label>
        Headers <span className="muted small">one “name: value” per line</span>
        <textarea
          aria-label="Headers"
          className="mono"
          rows={2}
          value={headerText}
          onChange={(event) => setHeaderText(event.target.value)}
          placeholder="source: logclaw-desktop"
        />
      </label>
      <label>
        Value
        <textarea
          aria-label="Message value"
          className="mono kf-value"
          rows={10}
          spellCheck={false}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          aria-invalid={problem !== null}
        />
      </label>
      <div className="kf-actions">
        <span role="status" className={problem || headers.problem ? 'kf-invalid' : 'kf-valid'} aria-label="Value check">
          {headers.problem ?? (format === 'json' ? (problem ? `Invalid JSON: ${problem}` : 'Valid JSON') : 'Sent as plain text')}
        </span>
        {format === 'json' && (
          <button type="button" disabled={problem !== null} onClick={() => setValue(JSON.stringify(JSON.parse(value), null, 2))}>
            Format JSON
          </button>
        )}
        <button type="submit" className="primary kf-push" disabled={!canSend} title="Ctrl+Enter">
          {produce.sending ? 'Sending…' : 'Send message'}
        </button>
      </div>
      {produce.error && <ErrorLine error={produce.error} />}
      {produce.results && (
        <p role="status" aria-label="Produce result" className="kf-valid">
          Sent to {produce.results[0]!.topic} partition {produce.results[0]!.partition} at offset {produce.results[0]!.offset}
        </p>
      )}
      {topic && <CopyCommand command={produceCommand(request, connection)} label="Copy produce command" />}
    </form>
  );
}
