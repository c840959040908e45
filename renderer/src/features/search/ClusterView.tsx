// Cluster health (colour, nodes, shards) and the indices grouped by pattern, with delete behind a
// confirmation that names the index.
import { useMemo, useState } from 'react';
import { formatBytes, formatCount } from '#contract/format.js';
import type { ClusterHealth, IndexInfo } from '#contract/search.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';

export function healthTone(health: ClusterHealth | null | undefined): Tone {
  return health === 'green' ? 'ok' : health === 'yellow' ? 'warn' : health === 'red' ? 'fail' : 'idle';
}

const RANK: Record<string, number> = { red: 3, yellow: 2, green: 1 };

export function ClusterView() {
  const { cluster, clusterError, indices, indicesStatus, indicesError } = useStore((s) => s.search);
  const loadCluster = useStore((s) => s.loadSearchCluster);
  const loadIndices = useStore((s) => s.loadSearchIndices);
  const [filter, setFilter] = useState('');
  const [showSystem, setShowSystem] = useState(false);
  const [confirming, setConfirming] = useState<IndexInfo | null>(null);

  const visible = indices.filter((i) => (showSystem || !i.system) && i.index.toLowerCase().includes(filter.trim().toLowerCase()));
  const groups = useMemo(() => {
    const byPattern = new Map<string, IndexInfo[]>();
    for (const index of visible) byPattern.set(index.pattern, [...(byPattern.get(index.pattern) ?? []), index]);
    return [...byPattern.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [visible]);

  return (
    <div className="sr-cluster">
      {clusterError && <ErrorLine error={clusterError} />}
      {cluster && (
        <section className="sr-card" aria-label="Cluster health">
          <div className="sr-card-head">
            <StatusDot tone={healthTone(cluster.status)} title={`Cluster ${cluster.status}`} />
            <strong className={`sr-health-${cluster.status}`}>{cluster.status}</strong>
            <span>{cluster.clusterName}</span>
            <span className="muted mono small">{cluster.url}</span>
            <span className="muted small">
              {cluster.distribution} {cluster.version}
            </span>
            <span className="muted small sr-push">
              checked <RelativeTime at={cluster.checkedAt} />
            </span>
            <button type="button" onClick={() => void Promise.all([loadCluster(), loadIndices()])}>
              Refresh
            </button>
          </div>
          <dl className="sr-stats">
            <Stat label="Nodes" value={cluster.numberOfNodes} />
            <Stat label="Data nodes" value={cluster.numberOfDataNodes} />
            <Stat label="Active shards" value={cluster.shards.active} />
            <Stat label="Primary" value={cluster.shards.primary} />
            <Stat label="Relocating" value={cluster.shards.relocating} />
            <Stat label="Initializing" value={cluster.shards.initializing} warn={cluster.shards.initializing > 0} />
            <Stat label="Unassigned" value={cluster.shards.unassigned} warn={cluster.shards.unassigned > 0} />
            <Stat label="Active %" value={cluster.shards.activePercent} />
          </dl>
          <table className="table sr-nodes" aria-label="Nodes">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Roles</th>
                <th scope="col">IP</th>
                <th scope="col" className="num">
                  Heap %
                </th>
                <th scope="col" className="num">
                  RAM %
                </th>
                <th scope="col" className="num">
                  CPU %
                </th>
                <th scope="col" className="num">
                  Load 1m
                </th>
                <th scope="col" className="num">
                  Disk %
                </th>
              </tr>
            </thead>
            <tbody>
              {cluster.nodes.map((node) => (
                <tr key={node.name}>
                  <th scope="row">
                    {node.name}{' '}
                    {node.clusterManager && (
                      <span className="tag" title="Elected cluster manager">
                        manager
                      </span>
                    )}
                  </th>
                  <td className="mono small">{node.roles}</td>
                  <td className="mono small">{node.ip}</td>
                  <td className="num mono">{node.heapPercent ?? '–'}</td>
                  <td className="num mono">{node.ramPercent ?? '–'}</td>
                  <td className="num mono">{node.cpu ?? '–'}</td>
                  <td className="num mono">{node.load1m ?? '–'}</td>
                  <td className={`num mono${(node.diskUsedPercent ?? 0) > 85 ? ' sr-warn' : ''}`}>{node.diskUsedPercent ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section aria-label="Indices" className="sr-indices">
        <div className="sr-toolbar">
          <h2>Indices</h2>
          <input
            aria-label="Filter indices"
            placeholder="Filter by name…"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
          <label className="sr-check">
            <input
              type="checkbox"
              checked={showSystem}
              onChange={(event) => setShowSystem(event.target.checked)}
              aria-label="Show system indices"
            />
            <span>system indices</span>
          </label>
          <span className="muted sr-push" role="status">
            showing {formatCount(visible.length)} of {formatCount(indices.length)} indices
          </span>
        </div>
        {indicesError && <ErrorLine error={indicesError} />}
        {indicesStatus === 'loading' && indices.length === 0 && <p className="muted">Reading indices…</p>}
        {indicesStatus === 'ready' && indices.length === 0 && (
          <p className="muted">No indices yet. LogClaw writes logs to logclaw-logs-* once the pipeline runs; send a test log from Logs.</p>
        )}
        {groups.length > 0 && (
          <table className="table sr-index-table" aria-label="Indices">
            <thead>
              <tr>
                <th scope="col">Health</th>
                <th scope="col">Index</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Docs
                </th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col" className="num">
                  Pri / rep
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            {groups.map(([pattern, members]) => (
              <IndexGroup key={pattern} pattern={pattern} members={members} onDelete={setConfirming} />
            ))}
          </table>
        )}
      </section>
      {confirming && <DeleteIndexConfirm index={confirming} onClose={() => setConfirming(null)} />}
    </div>
  );
}

function Stat({ label, value, warn = false }: { label: string; value: number; warn?: boolean }) {
  return (
    <div className="sr-stat">
      <dt className="muted small">{label}</dt>
      <dd className={`mono${warn ? ' sr-warn' : ''}`}>{formatCount(value)}</dd>
    </div>
  );
}

function IndexGroup({ pattern, members, onDelete }: { pattern: string; members: IndexInfo[]; onDelete(index: IndexInfo): void }) {
  const runSearch = useStore((s) => s.runSearch);
  const setTab = useStore((s) => s.setSearchTab);
  // A pattern of one index is just that index: no group row.
  const grouped = members.length > 1;
  const worst = members.reduce<ClusterHealth | null>(
    (acc, i) => (i.health && (!acc || RANK[i.health]! > RANK[acc]!) ? i.health : acc),
    null,
  );
  const open = (index: string) => {
    setTab('discover');
    void runSearch({ index, mode: 'simple' });
  };
  return (
    <tbody>
      {grouped && (
        <tr className="sr-group" data-pattern={pattern}>
          <td>
            <StatusDot tone={healthTone(worst)} title={worst ?? 'closed'} />
          </td>
          <th scope="rowgroup" className="mono">
            {pattern} <span className="muted small">({members.length})</span>
          </th>
          <td />
          <td className="num mono">{formatCount(members.reduce((sum, i) => sum + (i.docsCount ?? 0), 0))}</td>
          <td className="num mono">{formatBytes(members.reduce((sum, i) => sum + (i.sizeBytes ?? 0), 0))}</td>
          <td />
          <td className="sr-actions">
            <button type="button" className="link" aria-label={`Search ${pattern}`} onClick={() => open(pattern)}>
              search
            </button>
          </td>
        </tr>
      )}
      {members.map((index) => (
        <tr key={index.index} data-index={index.index} className={grouped ? 'sr-member' : undefined}>
          <td>
            <StatusDot tone={healthTone(index.health)} title={index.health ?? index.status} />
          </td>
          <th scope="row" className="mono">
            {index.index}
          </th>
          <td className="small">{index.status}</td>
          <td className="num mono">{formatCount(index.docsCount)}</td>
          <td className="num mono">{formatBytes(index.sizeBytes)}</td>
          <td className="num mono">
            {index.primaries} / {index.replicas}
          </td>
          <td className="sr-actions">
            <button type="button" className="link" aria-label={`Search ${index.index}`} onClick={() => open(index.index)}>
              search
            </button>
            <button type="button" className="link danger" aria-label={`Delete index ${index.index}`} onClick={() => onDelete(index)}>
              delete
            </button>
          </td>
        </tr>
      ))}
    </tbody>
  );
}

function DeleteIndexConfirm({ index, onClose }: { index: IndexInfo; onClose(): void }) {
  const deleteIndex = useStore((s) => s.deleteSearchIndex);
  return (
    <ConfirmDialog
      modal
      title={`Delete index ${index.index}`}
      confirmLabel={`Delete ${index.index}`}
      busyLabel="Deleting…"
      typeToConfirm={{ name: index.index, inputLabel: 'Index name to confirm' }}
      onConfirm={() => deleteIndex(index.index)}
      onClose={onClose}
    >
      Its {formatCount(index.docsCount)} documents ({formatBytes(index.sizeBytes)}) are removed from the cluster for good. This cannot be
      undone.
    </ConfirmDialog>
  );
}
