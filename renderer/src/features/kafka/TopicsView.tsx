import { useMemo, useState } from 'react';
import type { TopicInfo } from '#contract/kafka.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CopyCommand } from '../../components/CopyButton.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useStore } from '../../store/index.js';
import { shellWords } from '#contract/command.js';
import { formatCount } from '#contract/format.js';
import { formatRate } from './format.js';
import { Sparkline } from '../../components/Sparkline.js';

type SortKey = 'name' | 'partitions' | 'messages' | 'rate';

export function TopicsView() {
  const { topics, showInternal, selectedTopic, status } = useStore((s) => s.kafka);
  const setShowInternal = useStore((s) => s.kafkaSetShowInternal);
  const selectTopic = useStore((s) => s.kafkaSelectTopic);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const [creating, setCreating] = useState(false);

  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const value = (t: TopicInfo): string | number =>
      sort.key === 'name'
        ? t.name
        : sort.key === 'partitions'
          ? t.partitions.length
          : sort.key === 'messages'
            ? t.messages
            : (t.rate ?? -1);
    return topics
      .filter((t) => !needle || t.name.toLowerCase().includes(needle))
      .sort((a, b) => {
        const [x, y] = [value(a), value(b)];
        const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
        return sort.desc ? -order : order;
      });
  }, [topics, filter, sort]);

  const header = (key: SortKey, label: string, numeric = false) => (
    <th
      scope="col"
      className={numeric ? 'num' : undefined}
      aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
    >
      <button type="button" className="kf-sort" onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'name' }))}>
        {label}
        {sort.key === key ? (sort.desc ? ' ↓' : ' ↑') : ''}
      </button>
    </th>
  );

  return (
    <div className="kf-split">
      <div className="kf-main">
        <div className="kf-toolbar">
          <input
            aria-label="Filter topics"
            placeholder="Filter topics"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
          <label className="kf-check">
            <input type="checkbox" checked={showInternal} onChange={(event) => setShowInternal(event.target.checked)} /> Internal topics
          </label>
          <span className="muted small" role="status">
            showing {formatCount(rows.length)} of {formatCount(topics.length)}
          </span>
          <button type="button" className="kf-push" onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
            New topic
          </button>
        </div>
        {creating && <CreateTopicForm onDone={() => setCreating(false)} />}
        <div className="kf-table-wrap">
          <table className="table kf-table" aria-label="Topics">
            <thead>
              <tr>
                {header('name', 'Topic')}
                {header('partitions', 'Partitions', true)}
                <th scope="col" className="num">
                  RF
                </th>
                {header('messages', 'Messages', true)}
                {header('rate', 'Rate (msg/s)', true)}
                <th scope="col">Recent</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((topic) => (
                <tr
                  key={topic.name}
                  data-topic={topic.name}
                  className={topic.name === selectedTopic ? 'kf-selected' : undefined}
                  onClick={() => void selectTopic(topic.name === selectedTopic ? null : topic.name)}
                >
                  <th scope="row">
                    <button
                      type="button"
                      className="link kf-topic-name"
                      aria-label={`Details of topic ${topic.name}`}
                      aria-pressed={topic.name === selectedTopic}
                    >
                      {topic.name}
                    </button>
                    {topic.internal && <span className="tag">internal</span>}
                    {topic.underReplicated > 0 && (
                      <span className="tag kf-warn-tag" title="Partitions whose ISR is smaller than their replicas">
                        {topic.underReplicated} under-replicated
                      </span>
                    )}
                  </th>
                  <td className="num mono">{topic.partitions.length}</td>
                  <td className="num mono">{topic.replicationFactor}</td>
                  <td className="num mono" title="Sum of high − low watermarks">
                    {formatCount(topic.messages)}
                  </td>
                  <td className="num mono">{formatRate(topic.rate)}</td>
                  <td>
                    <Sparkline values={topic.rateHistory} label={`Produce rate of ${topic.name}`} unit="msg/s" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {status === 'ready' && topics.length === 0 && (
            <p className="muted kf-pad">No topics yet. Create one with “New topic”, or send logs through Vector.</p>
          )}
        </div>
      </div>
      {selectedTopic && <TopicPanel name={selectedTopic} />}
    </div>
  );
}

function CreateTopicForm({ onDone }: { onDone: () => void }) {
  const createTopic = useStore((s) => s.kafkaCreateTopic);
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('3');
  const [rf, setRf] = useState('');
  const valid = /^[a-zA-Z0-9._-]{1,249}$/.test(name) && Number(partitions) >= 1 && (rf === '' || Number(rf) >= 1);
  return (
    <form
      className="kf-card kf-inline-form"
      aria-label="New topic"
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        void createTopic({ topic: name, partitions: Number(partitions), ...(rf ? { replicationFactor: Number(rf) } : {}) }).then(
          (ok) => ok && onDone(),
        );
      }}
    >
      <label>
        Name
        <input aria-label="Topic name" className="mono" value={name} onChange={(event) => setName(event.target.value)} autoFocus />
      </label>
      <label>
        Partitions
        <input aria-label="Partitions" type="number" min={1} value={partitions} onChange={(event) => setPartitions(event.target.value)} />
      </label>
      <label>
        Replication factor
        <input
          aria-label="Replication factor"
          type="number"
          min={1}
          placeholder="broker default"
          value={rf}
          onChange={(event) => setRf(event.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={!valid}>
        Create topic
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

function TopicPanel({ name }: { name: string }) {
  const { detail, detailError } = useStore((s) => s.kafka);
  const selectTopic = useStore((s) => s.kafkaSelectTopic);
  const setTab = useStore((s) => s.kafkaSetTab);
  const setProduceTopic = useStore((s) => s.kafkaSetProduceTopic);
  const openTail = useStore((s) => s.kafkaOpenTail);
  const [showDefaults, setShowDefaults] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const topic = detail?.topic.name === name ? detail.topic : null;
  const configs = detail?.topic.name === name ? detail.configs.filter((c) => showDefaults || !c.isDefault) : [];
  return (
    <aside className="kf-panel" aria-label={`Topic ${name}`}>
      <header className="kf-panel-head">
        <h2 className="mono">{name}</h2>
        <button type="button" aria-label="Close topic details" onClick={() => void selectTopic(null)}>
          ✕
        </button>
      </header>
      {detailError && <ErrorLine error={detailError} />}
      <div className="kf-actions">
        <button type="button" onClick={() => openTail(name)}>
          Tail this topic
        </button>
        <button
          type="button"
          onClick={() => {
            setProduceTopic(name);
            setTab('produce');
          }}
        >
          Produce to this topic
        </button>
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete topic…
        </button>
      </div>
      {confirming && <DeleteTopicConfirm name={name} onClose={() => setConfirming(false)} />}
      {!topic ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <h3>Partitions</h3>
          <table className="table kf-table kf-compact" aria-label={`Partitions of ${name}`}>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col" className="num">
                  Leader
                </th>
                <th scope="col">Replicas / ISR</th>
                <th scope="col" className="num">
                  Low
                </th>
                <th scope="col" className="num">
                  High
                </th>
                <th scope="col" className="num">
                  Messages
                </th>
              </tr>
            </thead>
            <tbody>
              {topic.partitions.map((p) => (
                <tr key={p.partition}>
                  <td className="num mono">{p.partition}</td>
                  <td className="num mono">{p.leader}</td>
                  <td className="mono">
                    {p.replicas.join(',')} / {p.isr.join(',')}
                  </td>
                  <td className="num mono">{formatCount(Number(p.low))}</td>
                  <td className="num mono">{formatCount(Number(p.high))}</td>
                  <td className="num mono">{formatCount(p.messages)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>
            Configs{' '}
            <label className="kf-check small">
              <input type="checkbox" checked={showDefaults} onChange={(event) => setShowDefaults(event.target.checked)} /> show defaults
            </label>
          </h3>
          {configs.length === 0 ? (
            <p className="muted small">Every config is the broker default.</p>
          ) : (
            <dl className="kf-configs">
              {configs.map((c) => (
                <div key={c.name}>
                  <dt className="mono">{c.name}</dt>
                  <dd className="mono">{c.isSensitive ? '••••' : (c.value ?? '–')}</dd>
                </div>
              ))}
            </dl>
          )}
          <CopyCommand command={shellWords(['logclaw', 'tail', name, '--from-beginning'])} label="Copy tail command" />
        </>
      )}
    </aside>
  );
}

function DeleteTopicConfirm({ name, onClose }: { name: string; onClose: () => void }) {
  const deleteTopic = useStore((s) => s.kafkaDeleteTopic);
  return (
    <ConfirmDialog
      role="alertdialog"
      title={`Delete topic ${name}`}
      confirmLabel={`Delete ${name}`}
      busyLabel="Deleting…"
      typeToConfirm={{ name, inputLabel: 'Type the topic name to confirm' }}
      onConfirm={() => deleteTopic(name, name)}
      onClose={onClose}
    >
      The topic and all its messages are removed. This cannot be undone.
    </ConfirmDialog>
  );
}
