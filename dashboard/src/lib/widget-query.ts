/**
 * What a widget shows, as its dashboard stores it: the server keeps a widget's `query` as a map of strings
 * (the series endpoint's parameters, docs/api.md), and this is the one place that reads and writes it.
 *
 * Keys: `metric`, `aggregate`, `groupBy` (comma-separated), `filter` (`dimension:op:value`, several
 * separated by `;`), `limit` (top groups), `step`, `range` (the widget's own span back from now, such as
 * `7d`, used instead of a relative dashboard range); heatmaps add `view` (`correlation` of `metrics`,
 * comma-separated, or `hour-by-weekday` of `metric`).
 */
import { durationMs, type TimeRange } from './time-range';

export const AGGREGATES = ['count', 'sum', 'min', 'max', 'mean', 'p50', 'p90', 'p95', 'p99', 'distinct'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
export type WidgetType = 'line' | 'bar' | 'heatmap';
export type HeatmapView = 'correlation' | 'hour-by-weekday';

export interface WidgetQuery {
  metric: string;
  aggregate: Aggregate;
  groupBy: string[];
  filters: string[];
  limit: number;
  /** null: picked from the time range */
  step: string | null;
  /** the widget's own relative span (`7d`), or null for the dashboard's */
  range: string | null;
  view: HeatmapView;
  metrics: string[];
}

const list = (text: string | undefined, separator: string) =>
  (text ?? '').split(separator).map((s) => s.trim()).filter(Boolean);

export function readQuery(query: Record<string, string>): WidgetQuery {
  const aggregate = AGGREGATES.find((a) => a === query.aggregate) ?? 'count';
  const limit = Number(query.limit);
  return {
    metric: query.metric ?? '',
    aggregate,
    groupBy: list(query.groupBy, ','),
    filters: list(query.filter, ';'),
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, 100) : 10,
    step: query.step && ['10s', '1m', '1h', '5m-every-10s'].includes(query.step) ? query.step : null,
    range: query.range && durationMs(query.range) !== null ? query.range : null,
    view: query.view === 'correlation' ? 'correlation' : 'hour-by-weekday',
    metrics: list(query.metrics, ','),
  };
}

export function writeQuery(type: WidgetType, query: WidgetQuery): Record<string, string> {
  const out: Record<string, string> = { aggregate: query.aggregate };
  if (query.range) out.range = query.range;
  if (type === 'heatmap') {
    out.view = query.view;
    if (query.view === 'correlation') out.metrics = query.metrics.join(',');
    else out.metric = query.metric;
    return out;
  }
  out.metric = query.metric;
  if (query.groupBy.length) out.groupBy = query.groupBy.join(',');
  if (query.filters.length) out.filter = query.filters.join(';');
  if (query.step) out.step = query.step;
  if (type === 'bar') out.limit = String(query.limit);
  return out;
}

/** The span a widget shows: its own relative span when it has one and the dashboard's is relative too. */
export function widgetRange(query: WidgetQuery, dashboardRange: TimeRange): TimeRange {
  return query.range && dashboardRange.kind === 'relative' ? { kind: 'relative', last: query.range } : dashboardRange;
}

/** The estimate behind an aggregate and its documented error, for tooltips; null for exact aggregates. */
export function errorBound(aggregate: string): string | null {
  // RollupAggregate: DDSketch with relative accuracy 0.01; HyperLogLog with lgK 12 (RSE 1.04/sqrt(2^12))
  if (/^p\d+$/.test(aggregate)) return 'estimate: within ±1% of the true value (DDSketch relative accuracy)';
  if (aggregate === 'distinct') return 'estimate: ±1.6% standard error (HyperLogLog, 4,096 registers)';
  return null;
}
