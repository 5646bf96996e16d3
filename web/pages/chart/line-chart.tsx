import { useId } from "react";

export interface ChartPoint {
  at: number;
  value: number;
}

export interface ChartSeries {
  label: string;
  points: ChartPoint[];
}

const size = { width: 480, height: 160, left: 44, right: 12, top: 12, bottom: 28 };

/**
 * A small SVG line chart drawn by hand: a few dozen points per vital sign need no charting library (which would
 * add tens of kB and often inline styles the CSP forbids). Colours and lines come from the stylesheet by class.
 * The SVG is labelled for screen readers; the numbers themselves are in the table beside it.
 */
export function LineChart({ title, series, formatTime }: { title: string; series: ChartSeries[]; formatTime(at: number): string }) {
  const titleId = useId();
  const all = series.flatMap((line) => line.points);
  if (all.length === 0) return null;
  const minAt = Math.min(...all.map((point) => point.at));
  const maxAt = Math.max(...all.map((point) => point.at));
  const rawMin = Math.min(...all.map((point) => point.value));
  const rawMax = Math.max(...all.map((point) => point.value));
  const pad = rawMax === rawMin ? Math.max(1, Math.abs(rawMax) * 0.1) : (rawMax - rawMin) * 0.1;
  const [minValue, maxValue] = [rawMin - pad, rawMax + pad];
  const plotWidth = size.width - size.left - size.right;
  const plotHeight = size.height - size.top - size.bottom;
  const x = (at: number) => size.left + (maxAt === minAt ? plotWidth / 2 : ((at - minAt) / (maxAt - minAt)) * plotWidth);
  const y = (value: number) => size.top + plotHeight - ((value - minValue) / (maxValue - minValue)) * plotHeight;
  const round = (value: number) => Math.round(value * 10) / 10;

  return (
    <svg className="line-chart" viewBox={`0 0 ${size.width} ${size.height}`} role="img" aria-labelledby={titleId}>
      <title id={titleId}>{title}</title>
      <line className="axis" x1={size.left} y1={size.top} x2={size.left} y2={size.top + plotHeight} />
      <line className="axis" x1={size.left} y1={size.top + plotHeight} x2={size.left + plotWidth} y2={size.top + plotHeight} />
      <text className="tick" x={size.left - 4} y={y(rawMax) + 4} textAnchor="end">
        {round(rawMax)}
      </text>
      <text className="tick" x={size.left - 4} y={y(rawMin) + 4} textAnchor="end">
        {round(rawMin)}
      </text>
      <text className="tick" x={size.left} y={size.height - 8} textAnchor="start">
        {formatTime(minAt)}
      </text>
      {maxAt !== minAt ? (
        <text className="tick" x={size.left + plotWidth} y={size.height - 8} textAnchor="end">
          {formatTime(maxAt)}
        </text>
      ) : null}
      {series.map((line, index) => {
        const sorted = [...line.points].sort((a, b) => a.at - b.at);
        return (
          <g key={line.label} className={`series series-${index}`}>
            <polyline fill="none" points={sorted.map((point) => `${x(point.at)},${y(point.value)}`).join(" ")} />
            {sorted.map((point) => (
              <circle key={point.at} cx={x(point.at)} cy={y(point.value)} r={3} />
            ))}
          </g>
        );
      })}
    </svg>
  );
}
