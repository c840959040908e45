// The Search pane: connection and cluster state in the header, then Discover (search) or
// Cluster & indices.
import { useEffect, useState } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { Notices } from '../../components/Notices.js';
import { StatusDot } from '../../components/StatusDot.js';
import { Tabs } from '../../components/Tabs.js';
import { useStore } from '../../store/index.js';
import { ClusterView, healthTone } from './ClusterView.js';
import { ConnectionForm } from './ConnectionForm.js';
import { DiscoverView } from './DiscoverView.js';
import type { SearchTab } from './slice.js';
import './search.css';

const TABS: { id: SearchTab; label: string }[] = [
  { id: 'discover', label: 'Discover' },
  { id: 'cluster', label: 'Cluster & indices' },
];

export function SearchView() {
  const { tab, connection, notices, connectionStatus, connectionError, cluster, clusterStatus, clusterError } = useStore((s) => s.search);
  const init = useStore((s) => s.searchInit);
  const setTab = useStore((s) => s.setSearchTab);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    void init();
  }, [init]);

  // No cluster answered and nothing is configured: the one action is to say where OpenSearch is.
  const unconfigured = !cluster && clusterError?.code === 'OPENSEARCH_UNREACHABLE' && !connection;
  return (
    <section className="view sr-view" aria-labelledby="search-title">
      <header className="view-header sr-header">
        <h1 id="search-title">Search</h1>
        <Tabs label="Search views" tabs={TABS} selected={tab} onSelect={setTab} />
        <div className="view-actions">
          {cluster ? (
            <span
              className="sr-cluster-chip"
              title={`${cluster.clusterName} at ${cluster.url}: ${cluster.shards.active} active shards, ${cluster.shards.unassigned} unassigned`}
            >
              <StatusDot tone={healthTone(cluster.status)} title={`Cluster health ${cluster.status}`} />
              <span>{cluster.clusterName}</span>
              <span className={`sr-health-${cluster.status}`}>{cluster.status}</span>
              <span className="muted">
                · {cluster.numberOfNodes} node{cluster.numberOfNodes === 1 ? '' : 's'}
              </span>
            </span>
          ) : (
            <span className="sr-cluster-chip muted">
              <StatusDot tone={clusterStatus === 'loading' ? 'busy' : clusterError && connection ? 'fail' : 'idle'} />{' '}
              {clusterStatus === 'loading' ? 'connecting…' : 'not connected'}
            </span>
          )}
          <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            Connection{connection ? `: ${connection.url}` : ''}
          </button>
        </div>
      </header>
      <Notices notices={notices} />
      {connectionError && <ErrorLine error={connectionError} />}
      {editing && (
        <div className="sr-card">
          <ConnectionForm connection={connection} onDone={() => setEditing(false)} />
        </div>
      )}
      {connectionStatus === 'loading' && !cluster && !clusterError && <p className="muted">Looking for OpenSearch…</p>}
      {unconfigured && !editing ? (
        <EmptyState title="Connect to OpenSearch" action={<ConnectionForm connection={null} />}>
          <p>
            Cluster health, indices and a searchable, virtualized view of <span className="mono">logclaw-logs-*</span> appear here once
            OpenSearch answers. Start the stack’s OpenSearch forward (port 9200) or enter the URL of any OpenSearch.
          </p>
          <p className="small">{clusterError?.message}</p>
        </EmptyState>
      ) : (
        <>
          {clusterError && tab === 'discover' && <ErrorLine error={clusterError} />}
          {tab === 'discover' ? cluster || !clusterError ? <DiscoverView /> : null : <ClusterView />}
        </>
      )}
    </section>
  );
}
