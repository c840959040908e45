// A small SVG sparkline of recent values (no chart library): an area, a line and the last point.
export function Sparkline({
  values,
  label,
  unit,
  width = 90,
  height = 20,
}: {
  values: readonly number[];
  label: string;
  unit: string;
  width?: number;
  height?: number;
}) {
  const pad = 2;
  if (values.length < 2) {
    return (
      <svg className="spark spark-empty" width={width} height={height} role="img" aria-label={`${label}: not enough samples yet`}>
        <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} />
      </svg>
    );
  }
  const max = Math.max(...values, 1);
  const step = (width - pad * 2) / (values.length - 1);
  const points = values.map((v, i) => [pad + i * step, height - pad - (Math.max(0, v) / max) * (height - pad * 2)] as const);
  const line = points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const [lastX, lastY] = points.at(-1)!;
  return (
    <svg
      className="spark"
      width={width}
      height={height}
      role="img"
      aria-label={`${label}: ${values.length} samples, peak ${Math.round(max)} ${unit}`}
    >
      <path className="spark-area" d={`${line} L${lastX.toFixed(1)},${height - pad} L${pad},${height - pad} Z`} />
      <path className="spark-line" d={line} />
      <circle className="spark-dot" cx={lastX} cy={lastY} r={1.8} />
    </svg>
  );
}
