// A small SVG sparkline of recent rates (no chart library): a line and its last point.
export function Sparkline({ values, label, width = 90, height = 20 }: { values: readonly number[]; label: string; width?: number; height?: number }) {
  const pad = 2;
  if (values.length < 2) {
    return (
      <svg className="kf-spark kf-spark-empty" width={width} height={height} role="img" aria-label={`${label}: not enough samples yet`}>
        <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} />
      </svg>
    );
  }
  const max = Math.max(...values, 1);
  const step = (width - pad * 2) / (values.length - 1);
  const points = values.map((v, i) => [pad + i * step, height - pad - (Math.max(0, v) / max) * (height - pad * 2)] as const);
  const d = points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = `${d} L${points.at(-1)![0].toFixed(1)},${height - pad} L${pad},${height - pad} Z`;
  const [lastX, lastY] = points.at(-1)!;
  return (
    <svg className="kf-spark" width={width} height={height} role="img" aria-label={`${label}: ${values.length} samples, peak ${Math.round(max)} msg/s`}>
      <path className="kf-spark-area" d={area} />
      <path className="kf-spark-line" d={d} />
      <circle className="kf-spark-dot" cx={lastX} cy={lastY} r={1.8} />
    </svg>
  );
}
