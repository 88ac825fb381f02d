import { fromSnapshot, groupKey, isProvisional, type LiveSeries } from '@/lib/live-series';
import type { ColumnarSeries } from '../api/get-series';

/** A history answer (columnar, /v2) as a chart's series: the same shape live data has. */
export function fromColumnar(answer: ColumnarSeries, eventTime: number | null): LiveSeries {
  return fromSnapshot(answer.step, answer.series.map((column) => ({
    group: column.group,
    events: column.events,
    points: answer.times.flatMap((time, i) => {
      const value = (column.values as (number | null)[])[i] ?? null;
      return value === null ? [] : [{ time, value }];
    }),
  })), eventTime);
}

export interface Bar {
  key: string;
  value: number;
  time: number;
}

/**
 * One bar per group: its value in the newest window that has closed (an open window's partial value
 * would rank groups by how much of the window has passed), largest first, at most `limit`.
 */
export function latestClosed(series: LiveSeries, eventTime: number | null, limit: number): Bar[] {
  const bars: Bar[] = [];
  for (const g of series.groups.values()) {
    const closed = [...g.points.values()]
      .filter((p) => p.value !== null && !isProvisional(p.time, series.stepMs, eventTime))
      .sort((a, b) => b.time - a.time)[0];
    if (closed) bars.push({ key: g.key, value: closed.value!, time: closed.time });
  }
  return bars.sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1)).slice(0, limit);
}

/** The range the series covers: the first bucket's start to the last bucket's end. */
export function coveredRange(series: LiveSeries): { fromMs: number; toMs: number } | null {
  let first = Infinity;
  let last = -Infinity;
  for (const g of series.groups.values()) {
    for (const time of g.points.keys()) {
      first = Math.min(first, time);
      last = Math.max(last, time);
    }
  }
  return Number.isFinite(first) ? { fromMs: first, toMs: last + series.stepMs } : null;
}

export { groupKey };
