import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock, formatShort } from '@/lib/format';
import { chartRows, type ChartRow } from '@/lib/live-series';
import type { Palette } from '@/lib/palette';
import { SeriesTooltip, type SeriesChartProps } from './series-tooltip';

/**
 * Several series of a group-by over time. Final values are solid lines, the open windows' provisional
 * values a dashed tail, and a point a late correction revised gets a ring. Animation is off: new points
 * are drawn in place, with no movement or flicker.
 */
export const LineChartWidget = memo(function LineChartWidget({ series, eventTime, palette, unit, aggregate, label }: SeriesChartProps) {
  const { rows, keys } = useMemo(() => chartRows(series, eventTime), [series, eventTime]);
  const revisedCount = rows.reduce((n, row) => n + keys.filter((k) => row[`${k}!`] === 1).length, 0);
  const pointCount = rows.reduce((n, row) => n + keys.filter((k) => row[k] != null || row[`${k}~`] != null).length, 0);
  return (
    <div className="chart" role="img" aria-label={label} data-point-count={pointCount} data-revised-count={revisedCount}>
      <ResponsiveContainer width="100%" height="100%" minHeight={120}>
        <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 4 }}>
          <CartesianGrid stroke={palette.grid} strokeDasharray="3 3" />
          <XAxis dataKey="time" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={formatClock}
            stroke={palette.mutedText} tick={{ fill: palette.mutedText, fontSize: 11 }} minTickGap={24} />
          <YAxis tickFormatter={formatShort} stroke={palette.mutedText} tick={{ fill: palette.mutedText, fontSize: 11 }} width={44} />
          <Tooltip isAnimationActive={false} content={({ active, label: time }) => {
            if (!active || typeof time !== 'number') return null;
            const row = rows.find((r) => r.time === time);
            if (!row) return null;
            return (
              <SeriesTooltip time={time} stepLabel={series.step} unit={unit} aggregate={aggregate}
                entries={keys.filter((k) => row[k] != null || row[`${k}~`] != null).map((k, i) => ({
                  name: k, value: row[k] ?? row[`${k}~`], color: colorOf(palette, keys.indexOf(k) ?? i),
                  provisional: row[k] == null, revised: row[`${k}!`] === 1, // only on the dashed tail
                }))} />
            );
          }} />
          {keys.length > 1 && <Legend wrapperStyle={{ fontSize: 12, color: palette.text }} />}
          {keys.map((key, i) => (
            <Line key={key} dataKey={key} name={key} stroke={colorOf(palette, i)} strokeWidth={2} isAnimationActive={false}
              connectNulls dot={(props) => <RevisedDot {...props} row={props.payload as ChartRow} seriesKey={key} palette={palette} />} />
          ))}
          {keys.map((key, i) => (
            <Line key={`${key}~`} dataKey={`${key}~`} name={`${key} (provisional)`} legendType="none" stroke={colorOf(palette, i)}
              strokeWidth={2} strokeDasharray="4 3" strokeOpacity={0.7} isAnimationActive={false} connectNulls dot={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});

function colorOf(palette: Palette, index: number): string {
  return palette.series[index % palette.series.length]!;
}

function RevisedDot({ cx, cy, row, seriesKey, palette }: {
  cx?: number; cy?: number; row: ChartRow; seriesKey: string; palette: Palette;
}) {
  if (row[`${seriesKey}!`] !== 1 || cx === undefined || cy === undefined) return <g />;
  return <circle className="revised-point" cx={cx} cy={cy} r={5} fill={palette.background} stroke={palette.revised} strokeWidth={2} />;
}
