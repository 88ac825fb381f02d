import { interpolateRgbBasis, scaleBand, scaleDiverging, scaleSequential } from 'd3';
import { memo, useId, useMemo } from 'react';
import { formatExact } from '@/lib/format';
import type { Palette } from '@/lib/palette';
import type { Matrix } from '../api/get-heatmap';

interface Props {
  matrix: Matrix;
  /** correlation: -1..1 on a diverging scale; otherwise 0..max on a sequential one */
  diverging: boolean;
  palette: Palette;
  unit: string;
  label: string;
}

const CELL = 28;
const LEGEND = 44;
const CHAR = 6.5; // px per character of an 11 px label, near enough to leave room for the longest

/** A matrix of cells coloured by value, drawn with D3's scales, with a colour legend and exact values. */
export const HeatmapChart = memo(function HeatmapChart({ matrix, diverging, palette, unit, label }: Props) {
  const gradientId = `legend-${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const values = matrix.values as (number | null)[][];
  const { color, domain } = useMemo(() => {
    if (diverging) {
      return { color: scaleDiverging(interpolateRgbBasis([palette.low, palette.middle, palette.high])).domain([-1, 0, 1]), domain: [-1, 1] as const };
    }
    const max = Math.max(1e-9, ...values.flat().filter((v): v is number => v !== null));
    return { color: scaleSequential(interpolateRgbBasis([palette.middle, palette.low])).domain([0, max]), domain: [0, max] as const };
  }, [diverging, palette, values]);
  const longest = (labels: string[]) => Math.max(0, ...labels.map((l) => l.length)) * CHAR;
  // row labels on the left; column labels rotated when they are longer than a cell is wide
  const LEFT = Math.min(160, longest(matrix.rows) + 12);
  const rotate = longest(matrix.columns) > CELL;
  const TOP = rotate ? Math.min(140, longest(matrix.columns) * 0.75 + 16) : 24;
  const x = scaleBand<string>().domain(matrix.columns).range([LEFT, LEFT + matrix.columns.length * CELL]).padding(0.06);
  const y = scaleBand<string>().domain(matrix.rows).range([TOP, TOP + matrix.rows.length * CELL]).padding(0.06);
  const width = LEFT + matrix.columns.length * CELL + (rotate ? 80 : 8);
  const height = TOP + matrix.rows.length * CELL + LEGEND;
  const stops = Array.from({ length: 11 }, (_, i) => domain[0] + ((domain[1] - domain[0]) * i) / 10);
  const legendWidth = Math.min(240, width - LEFT - 8);
  const columnStep = matrix.columns.length > 12 ? 3 : 1;
  return (
    <svg className="heatmap" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}
      data-cell-count={values.flat().filter((v) => v !== null).length} preserveAspectRatio="xMinYMin meet">
      <defs>
        <linearGradient id={gradientId}>
          {stops.map((v, i) => <stop key={v} offset={`${i * 10}%`} stopColor={color(v)} />)}
        </linearGradient>
      </defs>
      {matrix.columns.map((c, i) => i % columnStep === 0 && (
        <text key={c} x={x(c)! + x.bandwidth() / 2} y={TOP - 8} fontSize={rotate ? 11 : 10} fill={palette.mutedText}
          textAnchor={rotate ? 'start' : 'middle'} transform={rotate ? `rotate(-45 ${x(c)! + x.bandwidth() / 2} ${TOP - 8})` : undefined}>{c}</text>
      ))}
      {matrix.rows.map((r, ri) => (
        <g key={r}>
          <text x={LEFT - 6} y={y(r)! + y.bandwidth() / 2 + 4} textAnchor="end" fontSize={11} fill={palette.text}>{r}</text>
          {matrix.columns.map((c, ci) => {
            const value = values[ri]?.[ci] ?? null;
            return (
              <rect key={c} x={x(c)} y={y(r)} width={x.bandwidth()} height={y.bandwidth()} rx={3}
                fill={value === null ? palette.background : color(value)} stroke={palette.grid} strokeWidth={value === null ? 1 : 0}>
                <title>{`${r} × ${c}: ${value === null ? 'no data' : `${formatExact(value)}${unit ? ` ${unit}` : ''}`}`}</title>
              </rect>
            );
          })}
        </g>
      ))}
      <g transform={`translate(${LEFT}, ${height - LEGEND + 10})`}>
        <rect width={legendWidth} height={10} fill={`url(#${gradientId})`} />
        {[domain[0], (domain[0] + domain[1]) / 2, domain[1]].map((v, i) => (
          <text key={i} x={(legendWidth * i) / 2} y={24} fontSize={10} fill={palette.mutedText}
            textAnchor={i === 0 ? 'start' : i === 1 ? 'middle' : 'end'}>{formatExact(Number(v.toPrecision(3)))}</text>
        ))}
      </g>
    </svg>
  );
});
