// The Kafka pane: connection, topics with watermarks and rate sparklines, consumer-group lag, a
// live tail and a producer. Every action has its `logclaw` command to copy.
import { useEffect, useState } from 'react';
import { ErrorLine } from '../../components/ErrorLine.js';
import { Notices } from '../../components/Notices.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot } from '../../components/StatusDot.js';
import { Tabs } from '../../components/Tabs.js';
import { useStore } from '../../store/index.js';
import { ConnectionForm } from './ConnectionForm.js';
import { GroupsView } from './GroupsView.js';
import './kafka.css';
import { ProduceView } from './ProduceView.js';
import type { KafkaTab } from './slice.js';
import { TailView } from './TailView.js';
import { TopicsView } from './TopicsView.js';

const TABS: { id: KafkaTab; label: string }[] = [
  { id: 'topics', label: 'Topics' },
  { id: 'groups', label: 'Consumer groups' },
  { id: 'tail', label: 'Live tail' },
  { id: 'produce', label: 'Produce' },
];
const POLL_MS = 5_000;

export function KafkaPane() {
  const { connection, lastError, tab, topicsAt, cluster, status, flash } = useStore((s) => s.kafka);
  const loadConnection = useStore((s) => s.kafkaLoadConnection);
  const refreshTopics = useStore((s) => s.kafkaRefreshTopics);
  const refreshGroups = useStore((s) => s.kafkaRefreshGroups);
  const setTab = useStore((s) => s.kafkaSetTab);
  const [editing, setEditing] = useState(false);
  // Discovery that finds no stack Kafka (no cluster, no Kafka resource) means: ask for an address.
  const discoveryFailed = connection?.source === 'discovered' && lastError?.code === 'KAFKA_UNREACHABLE' && topicsAt === null;
  const configured = connection !== null && connection.source !== 'none' && !discoveryFailed;

  useEffect(() => {
    void loadConnection();
  }, [loadConnection]);

  // Topics are sampled while the pane is open: each sample is a point of the rate sparklines.
  useEffect(() => {
    if (!configured) return;
    void refreshTopics();
    const timer = setInterval(() => void refreshTopics(), POLL_MS);
    return () => clearInterval(timer);
  }, [configured, connection?.description, refreshTopics]);

  useEffect(() => {
    if (!configured || tab !== 'groups') return;
    void refreshGroups();
    const timer = setInterval(() => void refreshGroups(), POLL_MS);
    return () => clearInterval(timer);
  }, [configured, tab, refreshGroups]);

  if (!connection) {
    return (
      <section className="view kf-view">
        <h1>Kafka</h1>
        {lastError ? <ErrorLine error={lastError} /> : <p className="muted">Loading…</p>}
      </section>
    );
  }

  if (!configured) {
    return (
      <section className="view kf-view" aria-labelledby="kafka-title">
        <header className="view-header">
          <h1 id="kafka-title">Kafka</h1>
        </header>
        <Notices notices={connection.notices} />
        {discoveryFailed && lastError && <ErrorLine error={lastError} />}
        <section className="empty kf-empty" aria-label="No Kafka connection">
          <h2>No Kafka connection</h2>
          <p className="empty-body">
            Topics with watermarks and rates, consumer-group lag, a live tail and a producer appear here once Kafka is reachable: give a
            bootstrap address, or install the stack and its brokers are reached through port-forwards.
          </p>
          <ConnectionForm connection={connection} />
        </section>
      </section>
    );
  }

  const unreachable = lastError?.code === 'KAFKA_UNREACHABLE';
  return (
    <section className="view kf-view" aria-labelledby="kafka-title">
      <header className="view-header kf-header">
        <h1 id="kafka-title">Kafka</h1>
        <Tabs label="Kafka views" tabs={TABS} selected={tab} onSelect={setTab} />
        <div className="view-actions">
          <span className="kf-chip" title={`Connection ${connection.description}`}>
            <StatusDot
              tone={unreachable ? 'fail' : status === 'ready' ? 'ok' : 'busy'}
              title={topicsAt ? `last checked ${new Date(topicsAt).toLocaleTimeString()}` : undefined}
            />
            <span className="mono">{connection.brokers.join(', ') || 'port-forwards'}</span>
            {cluster && (
              <span className="muted">
                · {cluster.brokers.length} broker{cluster.brokers.length === 1 ? '' : 's'}
              </span>
            )}
            {topicsAt && (
              <span className="muted small">
                · <RelativeTime at={topicsAt} />
              </span>
            )}
          </span>
          <button type="button" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
            Connection…
          </button>
          <button type="button" onClick={() => void refreshTopics()}>
            Refresh
          </button>
        </div>
      </header>
      <Notices notices={connection.notices} />
      {lastError && <ErrorLine error={lastError} />}
      {(editing || unreachable) && (
        <div className="kf-card">
          <ConnectionForm connection={connection} onDone={() => setEditing(false)} />
          <p className="muted small">Now: {connection.description}.</p>
        </div>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {flash}
      </p>
      <div className="kf-body">
        {tab === 'topics' && <TopicsView />}
        {tab === 'groups' && <GroupsView />}
        {tab === 'tail' && <TailView />}
        {tab === 'produce' && <ProduceView />}
      </div>
    </section>
  );
}
