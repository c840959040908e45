import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { formatBytes, formatCount } from '#contract/format.js';
import type { KafkaMessage, TailFilter, TailFrom, TailStatus } from '#contract/kafka.js';
import { CopyButton, CopyCommand } from '../../components/CopyButton.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';
import { formatClock, toLocalInput } from '../../local-time.js';
import { prettyValue, tailCommand } from './format.js';
import type { TailSettings } from './slice.js';
import { TAIL_CAP, tailBuffer } from './tail-buffer.js';

const ROW_HEIGHT = 22;
type FromKind = TailFrom['kind'];

function tone(state: TailStatus['state'] | undefined): Tone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'starting':
    case 'reconnecting':
      return 'busy';
    case 'paused':
    case 'waiting':
      return 'warn';
    case 'failed':
      return 'fail';
    default:
      return 'idle';
  }
}

export function TailView() {
  const { tail, topics, tailTopic, connection } = useStore((s) => s.kafka);
  const active = tail.status ? ['starting', 'running', 'paused', 'waiting', 'reconnecting'].includes(tail.status.state) : tail.id !== null;
  const [follow, setFollow] = useState(true);
  return (
    <div className="kf-split">
      <div className="kf-main kf-tail">
        <TailForm
          key={tailTopic}
          topics={topics.map((t) => t.name)}
          initial={
            tail.settings && (!tailTopic || tail.settings.topic === tailTopic)
              ? tail.settings
              : { topic: tailTopic, from: { kind: 'latest' }, filter: {} }
          }
          active={active}
        />
        {tail.error && <ErrorLine error={tail.error} />}
        <TailStatusLine follow={follow} setFollow={setFollow} />
        <TailList follow={follow} setFollow={setFollow} />
        {tail.settings && <CopyCommand command={tailCommand(tail.settings, connection)} label="Copy tail command" />}
      </div>
      {tail.selected && <MessagePanel message={tail.selected} />}
    </div>
  );
}

/** Starts from the last tail's settings, so switching tabs keeps the form as it was. */
function TailForm({ topics, initial, active }: { topics: string[]; initial: TailSettings; active: boolean }) {
  const start = useStore((s) => s.kafkaStartTail);
  const stop = useStore((s) => s.kafkaStopTail);
  const pause = useStore((s) => s.kafkaPauseTail);
  const resume = useStore((s) => s.kafkaResumeTail);
  const clear = useStore((s) => s.kafkaClearTail);
  const state = useStore((s) => s.kafka.tail.status?.state);
  const [topic, setTopic] = useState(initial.topic || topics[0] || '');
  const [from, setFrom] = useState<FromKind>(initial.from.kind);
  const [offset, setOffset] = useState(initial.from.kind === 'offset' ? initial.from.offset : '0');
  const [time, setTime] = useState(initial.from.kind === 'timestamp' ? toLocalInput(initial.from.at) : '');
  const [partition, setPartition] = useState(initial.partition === undefined ? '' : String(initial.partition));
  const [text, setText] = useState(initial.filter.text ?? '');
  const [key, setKey] = useState(initial.filter.key ?? '');
  const [jsonPath, setJsonPath] = useState(initial.filter.jsonPath ?? '');
  const [jsonEquals, setJsonEquals] = useState(initial.filter.jsonEquals ?? '');
  const partitionCount = useStore((s) => s.kafka.topics.find((t) => t.name === topic)?.partitions.length ?? 0);

  const settings = (): TailSettings | null => {
    if (!topic) return null;
    const fromValue: TailFrom =
      from === 'offset'
        ? { kind: 'offset', offset: /^-?\d+$/.test(offset.trim()) ? offset.trim() : '0' }
        : from === 'timestamp'
          ? { kind: 'timestamp', at: time ? new Date(time).getTime() : Date.now() }
          : { kind: from };
    const filter: TailFilter = {};
    if (text.trim()) filter.text = text.trim();
    if (key.trim()) filter.key = key.trim();
    if (jsonPath.trim()) {
      filter.jsonPath = jsonPath.trim();
      if (jsonEquals !== '') filter.jsonEquals = jsonEquals;
    }
    return { topic, from: fromValue, filter, ...(partition === '' ? {} : { partition: Number(partition) }) };
  };

  return (
    <form
      className="kf-tail-form"
      aria-label="Tail settings"
      onSubmit={(event) => {
        event.preventDefault();
        const next = settings();
        if (next) void start(next);
      }}
    >
      <label>
        Topic
        <select aria-label="Tail topic" value={topic} onChange={(event) => setTopic(event.target.value)}>
          {!topics.includes(topic) && <option value={topic}>{topic || '(choose a topic)'}</option>}
          {topics.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Start from
        <select aria-label="Start from" value={from} onChange={(event) => setFrom(event.target.value as FromKind)}>
          <option value="latest">Latest (new messages)</option>
          <option value="earliest">Earliest</option>
          <option value="offset">Offset</option>
          <option value="timestamp">Time</option>
        </select>
      </label>
      {from === 'offset' && (
        <label>
          Offset
          <input
            aria-label="Offset"
            className="mono kf-narrow"
            value={offset}
            onChange={(event) => setOffset(event.target.value)}
            title="Negative: that many before the end"
          />
        </label>
      )}
      {from === 'timestamp' && (
        <label>
          Time
          <input aria-label="Start time" type="datetime-local" step="1" value={time} onChange={(event) => setTime(event.target.value)} />
        </label>
      )}
      <label>
        Partition
        <select aria-label="Partition" value={partition} onChange={(event) => setPartition(event.target.value)}>
          <option value="">All</option>
          {Array.from({ length: partitionCount }, (_, i) => (
            <option key={i} value={String(i)}>
              {i}
            </option>
          ))}
        </select>
      </label>
      <label>
        Key or value contains
        <input aria-label="Text filter" value={text} onChange={(event) => setText(event.target.value)} placeholder="error" />
      </label>
      <label>
        Key contains
        <input aria-label="Key filter" className="kf-narrow" value={key} onChange={(event) => setKey(event.target.value)} />
      </label>
      <label>
        JSON path
        <input
          aria-label="JSON path"
          className="mono kf-narrow"
          value={jsonPath}
          onChange={(event) => setJsonPath(event.target.value)}
          placeholder="$.level"
        />
      </label>
      <label>
        equals
        <input
          aria-label="JSON path equals"
          className="mono kf-narrow"
          value={jsonEquals}
          onChange={(event) => setJsonEquals(event.target.value)}
          disabled={!jsonPath.trim()}
          placeholder="(exists)"
        />
      </label>
      <div className="kf-actions kf-tail-buttons">
        <button type="submit" className="primary" disabled={!topic}>
          {active ? 'Restart tail' : 'Start tail'}
        </button>
        {active && state === 'paused' ? (
          <button type="button" onClick={() => void resume()}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={() => void pause()} disabled={!active}>
            Pause
          </button>
        )}
        <button type="button" onClick={() => void stop()} disabled={!active}>
          Stop
        </button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}

interface FollowProps {
  follow: boolean;
  setFollow(follow: boolean): void;
}

function TailStatusLine({ follow, setFollow }: FollowProps) {
  const { status, shown, total, id, scanned, matched } = useStore((s) => s.kafka.tail);
  if (!id && !status)
    return (
      <p className="muted kf-pad">
        Choose a topic and start a tail: new messages appear here as they arrive (the newest {formatCount(TAIL_CAP)} are kept).
      </p>
    );
  const behind = status?.positions.reduce((sum, p) => sum + (p.end === null ? 0 : Math.max(0, Number(p.end) - Number(p.next))), 0) ?? 0;
  return (
    <div className="kf-tail-status">
      <span role="status" aria-label="Tail state">
        <StatusDot tone={tone(status?.state)} /> <strong>{status?.state ?? 'starting'}</strong>{' '}
        <span className="muted">{status?.reason}</span>
      </span>
      <span aria-label="Shown messages" className="mono">
        showing {formatCount(shown)} of {formatCount(total)}
      </span>
      {status && (
        <span
          className="muted small"
          title="Read from Kafka / passed the filter. When this window cannot keep up, the backend pauses reading instead of dropping."
        >
          scanned {formatCount(Math.max(scanned, status.scanned))} · matched {formatCount(Math.max(matched, status.matched))} · behind{' '}
          {formatCount(behind)} · dropped {status.dropped}
          {status.waitedMs > 0 && ` · waited for UI ${(status.waitedMs / 1000).toFixed(1)} s`}
          {status.duplicatesSkipped > 0 && ` · ${formatCount(status.duplicatesSkipped)} re-sent after reconnect skipped`}
        </span>
      )}
      <label className="kf-check small kf-push">
        <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Follow newest
      </label>
    </div>
  );
}

function TailList({ follow, setFollow }: FollowProps) {
  const version = useStore((s) => s.kafka.tail.version);
  const shown = useStore((s) => s.kafka.tail.shown);
  const selected = useStore((s) => s.kafka.tail.selected);
  const select = useStore((s) => s.kafkaSelectMessage);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is mutable by design; the list re-renders on `version` from the store.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: shown,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  useEffect(() => {
    if (follow && shown > 0) virtualizer.scrollToIndex(shown - 1, { align: 'end' });
  }, [version, shown, follow, virtualizer]);

  return (
    <div className="kf-tail-list-wrap">
      <div
        ref={scrollRef}
        className="kf-tail-list"
        role="list"
        aria-label="Tail messages"
        onWheel={(event) => {
          if (event.deltaY < 0 && follow) setFollow(false);
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const message = tailBuffer.at(item.index);
            if (!message) return null;
            const isSelected = selected !== null && selected.partition === message.partition && selected.offset === message.offset;
            return (
              <div
                key={item.key}
                role="listitem"
                className={`kf-row${isSelected ? ' kf-selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => select(isSelected ? null : message)}
                aria-label={`Partition ${message.partition} offset ${message.offset}`}
                aria-selected={isSelected}
                data-offset={`${message.partition}:${message.offset}`}
              >
                <span className="kf-row-time" title={new Date(message.timestamp).toISOString()}>
                  {formatClock(message.timestamp)}
                </span>
                <span className="kf-row-pos">
                  {message.partition}:{message.offset}
                </span>
                <span className="kf-row-key">{message.key ?? '–'}</span>
                <span className="kf-row-value">{message.value === null ? '(null)' : message.value.slice(0, 400)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function MessagePanel({ message }: { message: KafkaMessage }) {
  const select = useStore((s) => s.kafkaSelectMessage);
  const pretty = prettyValue(message.value);
  return (
    <aside className="kf-panel" aria-label="Message detail" onKeyDown={(event) => event.key === 'Escape' && select(null)}>
      <header className="kf-panel-head">
        <h2 className="mono">
          {message.partition}:{message.offset}
        </h2>
        <button type="button" aria-label="Close message detail" onClick={() => select(null)}>
          ✕
        </button>
      </header>
      <dl className="kf-configs">
        <div>
          <dt>Time</dt>
          <dd className="mono">{new Date(message.timestamp).toISOString()}</dd>
        </div>
        <div>
          <dt>Key</dt>
          <dd className="mono">{message.key ?? '(null)'}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd className="mono">
            {formatBytes(message.size)}
            {message.truncated && ' (shown cut; `logclaw tail` prints it whole)'}
            {message.encoding === 'base64' && ' (binary, shown as base64)'}
          </dd>
        </div>
        {Object.entries(message.headers).map(([name, value]) => (
          <div key={name}>
            <dt className="mono">header {name}</dt>
            <dd className="mono">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="kf-actions">
        <CopyButton text={pretty.json ? pretty.text : (message.value ?? '')} label="Copy value" />
        <CopyButton text={JSON.stringify(message, null, 2)} label="Copy message as JSON" />
      </div>
      <pre className="kf-json" aria-label={pretty.json ? 'Value (formatted JSON)' : 'Value'}>
        {pretty.text}
      </pre>
    </aside>
  );
}
