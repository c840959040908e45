// The preflight's reality check: every image and operator chart the install will pull, grouped by
// what its registry answered, failures first; each failure with its reason, its fix and a command to
// copy. Found items stay folded into one line per group.
import { formatDuration } from '#contract/format.js';
import {
  REALITY_SEVERITY,
  REALITY_TITLES,
  type RealityItem,
  type RealityProgress,
  type RealityReport,
  groupByResult,
  sharedFix,
} from '#contract/images.js';
import { CopyButton } from '../../components/CopyButton.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';

const TONE: Record<'fail' | 'warn' | 'pass', Tone> = { fail: 'fail', warn: 'warn', pass: 'ok' };

function shortDigest(digest: string): string {
  return digest.replace(/^(sha\d+:)(.{12}).*$/, '$1$2…');
}

function Item({ item, showFix }: { item: RealityItem; showFix: boolean }) {
  return (
    <li data-ref={item.ref} data-result={item.result}>
      <code>{item.ref}</code>{' '}
      <span className="muted small">
        {item.kind === 'chart' ? 'chart' : 'image'} · {item.registry} · {item.usedBy.join(', ')}
      </span>
      {item.result === 'found' ? (
        item.digest && (
          <div className="small muted">
            <code title={item.digest}>{shortDigest(item.digest)}</code>
          </div>
        )
      ) : (
        <>
          <div className="small">
            {item.reason}
            {item.retryAt && (
              <>
                {' '}
                (retry <RelativeTime at={item.retryAt} />)
              </>
            )}
          </div>
          {showFix && item.fix && <div className="small hint">Fix: {item.fix}</div>}
          {item.command && (
            <CopyButton
              className="link small"
              aria-label={`Copy fix for ${item.ref}`}
              text={item.command}
              title={item.command}
              label={
                <>
                  Copy <code>{item.command}</code>
                </>
              }
            />
          )}
        </>
      )}
    </li>
  );
}

/** While the check runs: how many of how many have answered, and the last one. */
export function RealityProgressLine({ progress }: { progress: RealityProgress }) {
  return (
    <div className="small muted" role="status" aria-label="Reality check progress">
      <progress max={progress.total || 1} value={progress.done} /> Asking registries: {progress.done}/{progress.total}
      {progress.ref && (
        <>
          {' '}
          · <code>{progress.ref}</code>
        </>
      )}
    </div>
  );
}

export function RealityList({ report }: { report: RealityReport }) {
  const groups = groupByResult(report.items);
  return (
    <section className="reality" aria-label="Images and charts">
      <h3>
        Images and charts{' '}
        <span className="muted small">
          {report.items.length} asked of their registries in {formatDuration(report.durationMs)}
        </span>
      </h3>
      {groups.map(({ result, items }) => {
        const severity = REALITY_SEVERITY[result];
        const shared = sharedFix(items);
        return (
          <details key={result} open={severity !== 'pass'} data-result={result}>
            <summary>
              <StatusDot tone={TONE[severity]} title={severity} /> <strong>{REALITY_TITLES[result]}</strong>{' '}
              <span className="muted small">({items.length})</span>
            </summary>
            {shared && (
              <div className="small hint">
                Fix (all {items.length}): {shared}
              </div>
            )}
            <ul className="checks" aria-label={`${REALITY_TITLES[result]}: images and charts`}>
              {items.map((item) => (
                <Item key={`${item.kind} ${item.ref}`} item={item} showFix={!shared} />
              ))}
            </ul>
          </details>
        );
      })}
    </section>
  );
}
