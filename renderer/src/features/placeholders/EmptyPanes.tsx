import { EmptyState } from '../../components/EmptyState.js';
import { type View, useStore } from '../../store/index.js';

const PANES: Record<Exclude<View, 'prerequisites' | 'settings'>, { title: string; body: string }> = {
  stack: {
    title: 'No LogClaw stack yet',
    body: 'The local stack (kind cluster, operators and the tenant charts) will show here with a live timeline of each step, then releases and pods grouped by component. Installing needs docker or podman, kind, helm and kubectl.',
  },
  forwards: {
    title: 'No port-forwards',
    body: 'Airflow 8080, OpenSearch 9200, Kafka 9092, Vector 18080/8686/9598, Feast 6567 and the ticketing agent 18081 will be listed here with health, traffic and one-click start, once the stack is installed.',
  },
  logs: {
    title: 'No logs sent yet',
    body: 'Send test logs to Vector (single, templated or at a controlled rate), produce anomaly events and trace one log through Kafka and OpenSearch. Needs the Vector and Kafka forwards.',
  },
  kafka: {
    title: 'No Kafka connection',
    body: 'Topics with watermarks and rates, consumer-group lag, a live tail and a producer will appear here once Kafka is reachable through its forward.',
  },
  search: {
    title: 'No OpenSearch connection',
    body: 'Cluster health, indices, simple search and query DSL over logclaw-logs-* will appear here once OpenSearch is reachable through its forward.',
  },
  doctor: {
    title: 'Nothing to diagnose yet',
    body: 'Checks for the stack’s known failure modes (Strimzi CRDs, Airflow migrations, OpenSearch quorum, topology labels, vm.max_map_count…) run here against the installed stack, with one-click fixes.',
  },
};

export function EmptyPane({ view }: { view: keyof typeof PANES }) {
  const setView = useStore((s) => s.setView);
  const pane = PANES[view];
  return (
    <section className="view">
      <EmptyState
        title={pane.title}
        action={
          <button type="button" onClick={() => setView('prerequisites')}>
            Check prerequisites
          </button>
        }
      >
        <p>{pane.body}</p>
      </EmptyState>
    </section>
  );
}
