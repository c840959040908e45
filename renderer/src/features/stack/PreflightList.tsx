import type { CheckStatus, PreflightReport } from '#contract/stack.js';
import { CopyButton } from '../../components/CopyButton.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';

const CHECK_TONE: Record<CheckStatus, Tone> = { pass: 'ok', warn: 'warn', fail: 'fail', skip: 'idle' };

/** Each check with its reason, and for the ones that do not pass the fix and its command to copy. */
export function PreflightList({ report }: { report: PreflightReport }) {
  return (
    <ul className="checks" aria-label="Preflight checks">
      {report.checks.map((check) => (
        <li key={check.id} data-check={check.id} data-status={check.status}>
          <StatusDot tone={CHECK_TONE[check.status]} title={check.status} /> <strong>{check.title}</strong>{' '}
          <span className="muted small">{check.status}</span>
          <div className="small">{check.reason}</div>
          {check.fix && check.status !== 'pass' && <div className="small hint">Fix: {check.fix}</div>}
          {check.command && check.status !== 'pass' && (
            <CopyButton
              className="link small"
              aria-label={`Copy fix for ${check.title}`}
              text={check.command}
              title={check.command}
              label={
                <>
                  Copy <code>{check.command}</code>
                </>
              }
            />
          )}
        </li>
      ))}
    </ul>
  );
}
