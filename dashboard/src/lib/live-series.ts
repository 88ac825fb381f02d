import type { Group, LivePoint, SnapshotSeries } from './live-socket';
import { stepMs as stepToMs } from './time-range';

/**
 * A live chart's points, built from a snapshot and the deltas after it. Each point knows whether its
 * window was still open (provisional) and whether a late correction changed it after it was final.
 *
 * A window is final once the job's watermark has passed its end: the tenant's newest event time minus
 * the job's out-of-orderness ({@link OUT_OF_ORDERNESS_MS}). Each value is stamped, when it arrives, with
 * whether its window had closed by then (the event time at arrival is estimated as now minus the
 * tenant's lag, so it is not as stale as the last freshness poll; {@link ARRIVAL_SLACK_MS} absorbs the
 * error of that estimate). A later change to a value that was final when it came is a correction of a
 * closed window: the point is marked revised. A value that arrived while its window was open (a 1 min
 * or 1 h window filling up, pane by pane) may change without being a revision.
 */
export const OUT_OF_ORDERNESS_MS = 2_000;
export const ARRIVAL_SLACK_MS = 3_000;

/** What is known of the tenant's event time: the newest seen (last freshness answer) and its lag. */
export interface EventClock {
  eventTime: number | null;
  lagMs: number | null;
}

/** The tenant's event time estimated at `now`: now minus its lag (steady traffic keeps the lag steady). */
export function eventTimeAt(clock: EventClock, now: number): number | null {
  return clock.lagMs === null ? clock.eventTime : now - clock.lagMs;
}

export interface SeriesPoint {
  time: number;
  value: number | null;
  /** the window had closed when this value arrived */
  settled: boolean;
  revised: boolean;
}

export interface GroupSeries {
  key: string;
  group: Group;
  points: Map<number, SeriesPoint>;
}

export interface LiveSeries {
  step: string;
  stepMs: number;
  groups: Map<string, GroupSeries>;
}

/** A group's name in legends and tooltips: its value for one dimension, else `dimension=value` pairs. */
export function groupKey(group: Group): string {
  const entries = Object.entries(group).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return 'all';
  if (entries.length === 1) return entries[0]![1] || '(none)';
  return entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/** The job writes 10 s windows once, when they close: their first value is final whatever the estimate. */
const WRITTEN_WHEN_CLOSED_MS = 10_000;

function settledAt(time: number, stepMs: number, arrivalEventTime: number | null): boolean {
  if (stepMs <= WRITTEN_WHEN_CLOSED_MS) return true;
  return arrivalEventTime !== null && time + stepMs + OUT_OF_ORDERNESS_MS - ARRIVAL_SLACK_MS <= arrivalEventTime;
}

export function isProvisional(time: number, stepMs: number, eventTime: number | null): boolean {
  return eventTime === null || time + stepMs + OUT_OF_ORDERNESS_MS > eventTime;
}

/** `arrivalEventTime`: the tenant's event time as the snapshot arrives (null: unknown, nothing final). */
export function fromSnapshot(step: string, series: SnapshotSeries[], arrivalEventTime: number | null): LiveSeries {
  const ms = stepToMs(step);
  const groups = new Map<string, GroupSeries>();
  for (const s of series) {
    const key = groupKey(s.group);
    const points = new Map<number, SeriesPoint>();
    for (const p of s.points) {
      points.set(p.time, { time: p.time, value: p.value, settled: settledAt(p.time, ms, arrivalEventTime), revised: false });
    }
    groups.set(key, { key, group: s.group, points });
  }
  return { step, stepMs: ms, groups };
}

/**
 * The series with `changes` applied (each is the point's current value), keeping only points at or after
 * `oldest`. Only the groups a change touches get new maps, so React redraws only what changed.
 */
export function applyChanges(series: LiveSeries, changes: LivePoint[], arrivalEventTime: number | null, oldest: number): LiveSeries {
  const groups = new Map(series.groups);
  const touched = new Set<string>();
  for (const change of changes) {
    const key = groupKey(change.group);
    let target = groups.get(key);
    if (!touched.has(key)) {
      target = { key, group: change.group, points: new Map(target?.points ?? []) };
      groups.set(key, target);
      touched.add(key);
    }
    const points = target!.points;
    const before = points.get(change.time);
    const revised = (before?.revised ?? false) || (before !== undefined && before.settled && before.value !== change.value);
    points.set(change.time, {
      time: change.time,
      value: change.value,
      settled: settledAt(change.time, series.stepMs, arrivalEventTime),
      revised,
    });
  }
  for (const key of touched) {
    const points = groups.get(key)!.points;
    for (const time of points.keys()) if (time < oldest) points.delete(time);
  }
  return { ...series, groups };
}

export interface ChartRow {
  time: number;
  [seriesKey: string]: number | null | undefined;
}

/**
 * Rows for a line chart: per group a final column (`<key>`) and a provisional one (`<key>~`), which
 * also holds the last final point so the dashed tail joins the solid line; `<key>!` is 1 where a late
 * correction revised the point.
 */
export function chartRows(series: LiveSeries, eventTime: number | null): { rows: ChartRow[]; keys: string[] } {
  const byTime = new Map<number, ChartRow>();
  const keys = [...series.groups.keys()];
  for (const g of series.groups.values()) {
    const times = [...g.points.keys()].sort((a, b) => a - b);
    // open: its value came before the window closed, and the event time known now does not say it has
    // (a point stamped final on arrival is never drawn provisional by a freshness answer running behind)
    const firstOpen = times.findIndex((t) => !g.points.get(t)!.settled && isProvisional(t, series.stepMs, eventTime));
    times.forEach((time, index) => {
      const row = byTime.get(time) ?? { time };
      const point = g.points.get(time)!;
      const value = point.value;
      if (point.revised) row[`${g.key}!`] = 1;
      const open = firstOpen !== -1 && index >= firstOpen;
      if (!open) row[g.key] = value;
      if (open || index === firstOpen - 1) row[`${g.key}~`] = value;
      byTime.set(time, row);
    });
  }
  return { rows: [...byTime.values()].sort((a, b) => a.time - b.time), keys };
}
