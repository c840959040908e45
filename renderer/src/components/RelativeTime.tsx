import { formatAgo } from '#contract/format.js';
import { useNow } from './useNow.js';

/** "3 s ago", with the absolute time on hover; re-renders itself every few seconds. */
export function RelativeTime({ at }: { at: number }) {
  const now = useNow(5000);
  return (
    <time dateTime={new Date(at).toISOString()} title={new Date(at).toLocaleString()}>
      {formatAgo(now - at)}
    </time>
  );
}
