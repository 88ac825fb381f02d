import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatShort } from '@/lib/format';
import { latestClosed } from '../lib/series';
import { SeriesTooltip, type SeriesChartProps } from './series-tooltip';

interface Props extends SeriesChartProps {
  limit: number;
}

/** Groups compared side by side: the top `limit` by their value in the newest closed window. */
export const BarChartWidget = memo(function BarChartWidget({ series, eventTime, palette, unit, aggregate, limit, label }: Props) {
  const bars = useMemo(() => latestClosed(series, eventTime, limit), [series, eventTime, limit]);
  return (
    <div className="chart" role="img" aria-label={label} data-point-count={bars.length}>
      <ResponsiveContainer width="100%" height="100%" minHeight={120}>
        <BarChart data={bars} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid stroke={palette.grid} strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tickFormatter={formatShort} stroke={palette.mutedText} tick={{ fill: palette.mutedText, fontSize: 11 }} />
          <YAxis type="category" dataKey="key" width={96} stroke={palette.mutedText} tick={{ fill: palette.text, fontSize: 11 }} />
          <Tooltip isAnimationActive={false} cursor={{ fill: palette.grid, fillOpacity: 0.3 }} content={({ active, payload }) => {
            const bar = active ? (payload?.[0]?.payload as (typeof bars)[number] | undefined) : undefined;
            if (!bar) return null;
            return <SeriesTooltip time={bar.time} stepLabel={series.step} unit={unit} aggregate={aggregate}
              entries={[{ name: bar.key, value: bar.value, color: palette.series[0]!, provisional: false, revised: false }]} />;
          }} />
          <Bar dataKey="value" isAnimationActive={false}>
            {bars.map((bar, i) => <Cell key={bar.key} fill={palette.series[i % palette.series.length]} />)}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
});
