export type Tone = 'ok' | 'warn' | 'fail' | 'idle' | 'busy';

const LABELS: Record<Tone, string> = { ok: 'ready', warn: 'degraded', fail: 'failed', idle: 'unknown', busy: 'in progress' };

/** The same colours everywhere: green ready, amber degraded, red failed, grey unknown, blue busy. */
export function StatusDot({ tone, title }: { tone: Tone; title?: string }) {
  return <span className={`dot dot-${tone}`} role="img" aria-label={LABELS[tone]} title={title ?? LABELS[tone]} />;
}
