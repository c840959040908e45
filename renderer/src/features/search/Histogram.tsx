// Hits over time as SVG bars (no chart library). Clicking a bar zooms the time range to it.
import { useEffect, useRef, useState } from 'react';
import { formatCount } from '#contract/format.js';
import type { Histogram as HistogramData } from '#contract/search.js';
import { formatAbsolute } from '../../local-time.js';
import { formatTick } from './format.js';

const HEIGHT = 76;
const AXIS = 16;
const LEFT = 40;

export function Histogram({
  histogram,
  range,
  onZoom,
  stale = false,
}: {
  stale?: boolean;
  histogram: HistogramData;
  range: { from: number | null; to: number | null };
  onZoom?: (from: number, to: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver((entries) => setWidth(Math.max(200, Math.floor(entries[0]!.contentRect.width))));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const { buckets, intervalMs } = histogram;
  const step = intervalMs || 1;
  const start = range.from ?? buckets[0]?.key ?? 0;
  const end = range.to ?? (buckets.length ? buckets[buckets.length - 1]!.key + step : start + step);
  const span = Math.max(end - start, step);
  const plot = width - LEFT - 4;
  const x = (at: number) => LEFT + ((at - start) / span) * plot;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const barHeight = HEIGHT - AXIS - 6;
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  const ticks = Array.from({ length: 6 }, (_, i) => start + (span * i) / 5);

  return (
    <div className={stale ? 'sr-histogram sr-stale' : 'sr-histogram'} ref={ref}>
      <svg
        width={width}
        height={HEIGHT}
        role="group"
        aria-label={`Hits over time: ${formatCount(total)} hits in ${buckets.length} bars of ${histogram.interval}`}
      >
        <line x1={LEFT} x2={width - 4} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} className="sr-axis" />
        <text x={LEFT - 6} y={10} className="sr-tick" textAnchor="end">
          {formatCount(max)}
        </text>
        <text x={LEFT - 6} y={HEIGHT - AXIS} className="sr-tick" textAnchor="end">
          0
        </text>
        {ticks.map((at, i) => (
          <text
            key={at}
            x={x(at)}
            y={HEIGHT - 3}
            className="sr-tick"
            textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
          >
            {formatTick(at, span)}
          </text>
        ))}
        {buckets.map((bucket) => {
          const left = Math.max(LEFT, x(bucket.key));
          const right = Math.min(width - 4, x(bucket.key + step));
          const w = Math.max(1, right - left - (right - left > 4 ? 1 : 0));
          const h = bucket.count === 0 ? 0 : Math.max(1, (bucket.count / max) * barHeight);
          const label = `${formatAbsolute(bucket.key).slice(0, 19)} – ${formatAbsolute(bucket.key + step).slice(11, 19)}: ${formatCount(bucket.count)} hits`;
          const zoom = onZoom && bucket.count > 0 ? () => onZoom(bucket.key, bucket.key + step) : undefined;
          return (
            <g
              key={bucket.key}
              className={zoom ? 'sr-bar zoomable' : 'sr-bar'}
              role={zoom ? 'button' : undefined}
              aria-label={zoom ? `Zoom to ${label}` : undefined}
              onClick={zoom}
            >
              <title>{zoom ? `${label} — click to zoom in` : label}</title>
              <rect x={left} y={0} width={Math.max(1, right - left)} height={HEIGHT - AXIS} className="sr-bar-hit" />
              <rect x={left} y={HEIGHT - AXIS - h} width={w} height={h} className="sr-bar-fill" />
            </g>
          );
        })}
      </svg>
    </div>
  );
}
