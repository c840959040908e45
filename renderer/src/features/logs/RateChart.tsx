// The generator's rate chart (SVG, no library): the profile's target rate as a dashed line, the
// accepted rate as an area, retries as amber and failures as red bars, over the run's time.
import type { RatePoint } from '#contract/logs.js';
import { compact } from './format.js';

export function RateChart({
  points,
  durationMs,
  width = 560,
  height = 150,
}: {
  points: readonly RatePoint[];
  durationMs: number;
  width?: number;
  height?: number;
}) {
  const left = 44;
  const right = 8;
  const top = 8;
  const bottom = 20;
  const w = width - left - right;
  const h = height - top - bottom;
  const spanMs = Math.max(durationMs, points.at(-1)?.t ?? 0, 1);
  const peak = Math.max(1, ...points.map((p) => Math.max(p.target, p.accepted, p.failed, p.retried)));
  const max = niceCeil(peak * 1.1);
  const x = (t: number) => left + (t / spanMs) * w;
  const y = (v: number) => top + h - (Math.max(0, v) / max) * h;
  const line = (key: 'target' | 'accepted') =>
    points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  const last = points.at(-1);
  const barWidth = points.length > 1 ? Math.max(1, (w / spanMs) * (points[1]!.t - points[0]!.t) * 0.8) : 4;
  const summary = last
    ? `accepted ${compact(last.accepted)} events/s now, target ${compact(last.target)}, peak ${compact(peak)}`
    : 'no samples yet';
  return (
    <svg className="lg-chart" width={width} height={height} role="img" aria-label={`Rate chart: ${points.length} samples; ${summary}`}>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line className="lg-gridline" x1={left} x2={width - right} y1={y(max * f)} y2={y(max * f)} />
          <text className="lg-axis" x={left - 4} y={y(max * f) + 4} textAnchor="end">
            {compact(max * f)}
          </text>
        </g>
      ))}
      <text className="lg-axis" x={left} y={height - 5}>
        0 s
      </text>
      <text className="lg-axis" x={width - right} y={height - 5} textAnchor="end">
        {(spanMs / 1000).toFixed(spanMs < 10_000 ? 1 : 0)} s
      </text>
      {points.length > 1 && (
        <>
          <path
            className="lg-accepted-area"
            d={`${line('accepted')} L${x(last!.t).toFixed(1)},${y(0)} L${x(points[0]!.t).toFixed(1)},${y(0)} Z`}
          />
          <path className="lg-accepted" d={line('accepted')} />
          <path className="lg-target" d={line('target')} />
        </>
      )}
      {points
        .filter((p) => p.retried > 0)
        .map((p) => (
          <rect
            key={`r${p.t}`}
            className="lg-retried"
            x={x(p.t) - barWidth}
            y={y(p.retried)}
            width={barWidth}
            height={y(0) - y(p.retried)}
          />
        ))}
      {points
        .filter((p) => p.failed > 0)
        .map((p) => (
          <rect key={p.t} className="lg-failed" x={x(p.t) - barWidth} y={y(p.failed)} width={barWidth} height={y(0) - y(p.failed)} />
        ))}
    </svg>
  );
}

function niceCeil(value: number): number {
  const exponent = 10 ** Math.floor(Math.log10(value));
  const fraction = value / exponent;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * exponent;
}
