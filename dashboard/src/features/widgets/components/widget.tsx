import { useState } from 'react';
import { unitOf } from '@/lib/format';
import type { Palette } from '@/lib/palette';
import type { EventClock } from '@/lib/live-series';
import { resolve, type TimeRange } from '@/lib/time-range';
import { readQuery, widgetRange, type WidgetQuery } from '@/lib/widget-query';
import { downloadCsv, heatmapCsvUrl, seriesCsvUrl } from '../api/export-csv';
import { useHeatmap } from '../api/get-heatmap';
import { useWidgetSeries } from '../hooks/use-widget-series';
import { coveredRange } from '../lib/series';
import { BarChartWidget } from './bar-chart-widget';
import { HeatmapChart } from './heatmap-chart';
import { LineChartWidget } from './line-chart-widget';
import { WidgetFrame, type WidgetState } from './widget-frame';

export interface WidgetSpec {
  type: string;
  title: string;
  query: Record<string, string>;
}

export interface WidgetProps {
  widget: WidgetSpec;
  range: TimeRange;
  /** dashboard-wide filters (from the address), added to the widget's own */
  filters: string[];
  refreshMs: number | false;
  clock: EventClock;
  /** the caller's tenant: a widget's saved data is kept per tenant */
  tenant: string;
  palette: Palette;
  canExport: boolean;
}

/** One widget of a dashboard: its chart, its loading, empty and error states, and its CSV export. */
export function Widget(props: WidgetProps) {
  const stored = readQuery(props.widget.query);
  const query = { ...stored, filters: [...stored.filters, ...props.filters] };
  const range = widgetRange(stored, props.range);
  return props.widget.type === 'heatmap' ? <HeatmapWidget {...props} range={range} query={query} />
    : <SeriesWidget {...props} range={range} query={query} />;
}

function SeriesWidget({ widget, range, clock, tenant, palette, canExport, query }: WidgetProps & { query: WidgetQuery }) {
  const { series, error, loading, live } = useWidgetSeries(query, range, clock, tenant);
  const eventTime = clock.eventTime;
  const unit = unitOf(query.metric, query.aggregate);
  const groups = query.groupBy.length ? ` by ${query.groupBy.join(', ')}` : '';
  const label = `${widget.type === 'bar' ? 'Bar' : 'Line'} chart of ${query.metric} ${query.aggregate}${groups}`;
  const state: WidgetState = error ? { kind: 'error', message: error } : loading || !series ? { kind: 'loading' }
    : series.groups.size === 0 ? { kind: 'empty' } : { kind: 'ready' };
  // the CSV holds exactly the windows on screen: the range the chart covers now, not one re-run later
  const csv = () => {
    const shown = series ? coveredRange(series) : null;
    const span = shown ?? resolve(range, Date.now());
    return seriesCsvUrl({ query, fromMs: span.fromMs, toMs: span.toMs, step: series?.step ?? '1m' });
  };
  return (
    <WidgetFrame title={widget.title} state={state}
      actions={<>{live && <span className="badge live" title="Updates live">Live</span>}
        {canExport && <CsvButton title={widget.title} url={csv} />}</>}>
      {series && (widget.type === 'bar'
        ? <BarChartWidget series={series} eventTime={eventTime} palette={palette} unit={unit} aggregate={query.aggregate} limit={query.limit} label={label} />
        : <LineChartWidget series={series} eventTime={eventTime} palette={palette} unit={unit} aggregate={query.aggregate} label={label} />)}
    </WidgetFrame>
  );
}

function HeatmapWidget({ widget, range, refreshMs, palette, canExport, query, tenant }: WidgetProps & { query: WidgetQuery }) {
  const heatmap = useHeatmap(query, range, refreshMs, JSON.stringify([tenant, 'heatmap', query, range]));
  const correlation = query.view === 'correlation';
  const label = correlation ? `Correlation heatmap of ${query.metrics.join(', ')}`
    : `Hour of day by weekday heatmap of ${query.metric} ${query.aggregate}`;
  const matrix = heatmap.data?.matrix;
  const hasData = matrix?.values.some((row) => (row as (number | null)[]).some((v) => v !== null));
  // a matrix once drawn stays while a refresh fails (offline: the last one this browser saved)
  const state: WidgetState = heatmap.isPending ? { kind: 'loading' }
    : hasData ? { kind: 'ready' }
    : heatmap.error ? { kind: 'error', message: heatmap.error.message, retry: () => void heatmap.refetch() }
    : { kind: 'empty' };
  const drawn = heatmap.data?.request;
  return (
    <WidgetFrame title={widget.title} state={state}
      actions={canExport && drawn && <CsvButton title={widget.title} url={() => heatmapCsvUrl(drawn)} />}>
      {matrix && <HeatmapChart matrix={matrix} diverging={correlation} palette={palette} label={label}
        unit={correlation ? '' : unitOf(query.metric, query.aggregate)} />}
    </WidgetFrame>
  );
}

function CsvButton({ title, url }: { title: string; url: () => string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileName = `${title.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'widget'}.csv`;
  return (
    <>
      <button type="button" className="button subtle small" disabled={busy} aria-label={`Export ${title} as CSV`}
        onClick={() => {
          setBusy(true);
          setError(null);
          downloadCsv(url(), fileName).catch((e: Error) => setError(e.message)).finally(() => setBusy(false));
        }}>CSV</button>
      {error && <span className="error small" role="alert">{error}</span>}
    </>
  );
}
