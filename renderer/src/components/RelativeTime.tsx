import { useEffect, useState } from 'react';
import { formatAgo } from '../../../electron/contract/format.js';

/** "3 s ago", with the absolute time on hover; re-renders itself every few seconds. */
export function RelativeTime({ at }: { at: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  return <time dateTime={new Date(at).toISOString()} title={new Date(at).toLocaleString()}>{formatAgo(now - at)}</time>;
}
