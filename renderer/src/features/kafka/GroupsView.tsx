import { Fragment, useState } from 'react';
import type { ConsumerGroup } from '#contract/kafka.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';
import { formatCount } from '#contract/format.js';

function groupTone(state: string): Tone {
  if (state === 'Stable') return 'ok';
  if (state === 'PreparingRebalance' || state === 'CompletingRebalance') return 'warn';
  if (state === 'Dead') return 'fail';
  return 'idle';
}

export function GroupsView() {
  const { groups, groupsStatus, groupsError, groupsAt } = useStore((s) => s.kafka);
  const refresh = useStore((s) => s.kafkaRefreshGroups);
  const [open, setOpen] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const rows = groups.filter((g) => !filter || g.groupId.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div className="kf-main">
      <div className="kf-toolbar">
        <input
          aria-label="Filter consumer groups"
          placeholder="Filter groups"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
        <span className="muted small" role="status">
          showing {formatCount(rows.length)} of {formatCount(groups.length)}
        </span>
        <span className="kf-push muted small">
          {groupsAt && (
            <>
              checked <RelativeTime at={groupsAt} />
            </>
          )}
        </span>
        <button type="button" onClick={() => void refresh()} disabled={groupsStatus === 'loading'}>
          Refresh groups
        </button>
      </div>
      {groupsError && <ErrorLine error={groupsError} />}
      <div className="kf-table-wrap">
        <table className="table kf-table" aria-label="Consumer groups">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">State</th>
              <th scope="col" className="num">
                Members
              </th>
              <th scope="col">Topics</th>
              <th scope="col" className="num">
                Total lag
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((group) => (
              <Fragment key={group.groupId}>
                <tr
                  data-group={group.groupId}
                  className={open === group.groupId ? 'kf-selected' : undefined}
                  onClick={() => setOpen(open === group.groupId ? null : group.groupId)}
                >
                  <th scope="row">
                    <button
                      type="button"
                      className="link mono"
                      aria-expanded={open === group.groupId}
                      aria-label={`Offsets of group ${group.groupId}`}
                    >
                      {group.groupId}
                    </button>
                  </th>
                  <td>
                    <StatusDot tone={groupTone(group.state)} /> {group.state}
                  </td>
                  <td className="num mono">{group.members.length}</td>
                  <td className="mono small">{group.topics.join(', ') || '–'}</td>
                  <td className={`num mono ${group.totalLag > 0 ? 'kf-lag' : ''}`}>{formatCount(group.totalLag)}</td>
                </tr>
                {open === group.groupId && (
                  <tr className="kf-detail-row">
                    <td colSpan={5}>
                      <GroupDetail group={group} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
        {groupsStatus === 'ready' && groups.length === 0 && (
          <p className="muted kf-pad">No consumer groups. Flink, Vector’s sinks and the ticketing agent appear here once they consume.</p>
        )}
      </div>
    </div>
  );
}

function GroupDetail({ group }: { group: ConsumerGroup }) {
  const maxLag = Math.max(1, ...group.offsets.map((o) => o.lag ?? 0));
  return (
    <div className="kf-group-detail">
      <table className="table kf-table kf-compact" aria-label={`Partitions of group ${group.groupId}`}>
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col" className="num">
              Partition
            </th>
            <th scope="col" className="num">
              Committed
            </th>
            <th scope="col" className="num">
              High
            </th>
            <th scope="col" className="num">
              Lag
            </th>
            <th scope="col" aria-label="Lag bar" className="kf-lagbar-cell" />
          </tr>
        </thead>
        <tbody>
          {group.offsets.map((o) => (
            <tr key={`${o.topic}-${o.partition}`}>
              <td className="mono">{o.topic}</td>
              <td className="num mono">{o.partition}</td>
              <td className="num mono">{o.committed === null ? 'none' : formatCount(Number(o.committed))}</td>
              <td className="num mono">{formatCount(Number(o.high))}</td>
              <td className="num mono">{o.lag === null ? '–' : formatCount(o.lag)}</td>
              <td className="kf-lagbar-cell">
                <span className="kf-lagbar" style={{ width: `${((o.lag ?? 0) / maxLag) * 100}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div>
        <h3>Members</h3>
        {group.members.length === 0 ? (
          <p className="muted small">No members: nothing consumes with this group now.</p>
        ) : (
          <ul className="kf-members">
            {group.members.map((m) => (
              <li key={m.memberId}>
                <span className="mono">{m.clientId}</span> <span className="muted small">{m.clientHost}</span>
                <div className="muted small mono">
                  {m.assignments.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ') || 'no partitions'}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
