import { formatExact } from '@/lib/format';
import type { LiveSeries } from '@/lib/live-series';
import type { Palette } from '@/lib/palette';
import { formatInstant } from '@/lib/time-range';
import { errorBound } from '@/lib/widget-query';

/** What a line or bar chart of a series is drawn from. */
export interface SeriesChartProps {
  series: LiveSeries;
  eventTime: number | null;
  palette: Palette;
  unit: string;
  aggregate: string;
  label: string;
}

export interface TooltipEntry {
  name: string;
  value: number | null | undefined;
  color: string;
  provisional: boolean;
  revised: boolean;
}

/** Exact values with their unit, what kind of value each is, and the error bound of an estimate. */
export function SeriesTooltip({ time, stepLabel, entries, unit, aggregate }: {
  time: number; stepLabel: string; entries: TooltipEntry[]; unit: string; aggregate: string;
}) {
  const bound = errorBound(aggregate);
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-time">{formatInstant(time)} <span className="muted">({stepLabel} window)</span></div>
      <ul>
        {entries.map((entry) => (
          <li key={entry.name}>
            <span className="swatch" style={{ background: entry.color }} aria-hidden="true" />
            <span className="name">{entry.name}</span>{' '}
            <strong>{formatExact(entry.value)}</strong>{unit ? ` ${unit}` : ''}
            {entry.provisional && <em className="tag provisional"> provisional: window still open</em>}
            {entry.revised && <em className="tag revised"> revised by a late correction</em>}
          </li>
        ))}
      </ul>
      {bound && <div className="muted small">{aggregate} is an {bound}</div>}
    </div>
  );
}
