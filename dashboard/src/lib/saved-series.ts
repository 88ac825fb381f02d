import type { GroupSeries, LiveSeries, SeriesPoint } from './live-series';

/**
 * The last live series each widget showed, kept in localStorage under the tenant's name, so the app
 * opens offline with the last data and paints at once before the socket's snapshot replaces it.
 * Signing out deletes them all ({@link forgetSavedSeries}).
 */
const PREFIX = 'pulse.live.';

interface Saved {
  step: string;
  stepMs: number;
  groups: { key: string; group: Record<string, string>; points: SeriesPoint[] }[];
}

export function saveSeries(key: string, series: LiveSeries): void {
  const saved: Saved = {
    step: series.step,
    stepMs: series.stepMs,
    groups: [...series.groups.values()].map((g) => ({ key: g.key, group: g.group, points: [...g.points.values()] })),
  };
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(saved));
  } catch {
    // storage full or refused: the chart works without it
  }
}

export function savedSeries(key: string): LiveSeries | undefined {
  const text = localStorage.getItem(PREFIX + key);
  if (!text) return undefined;
  try {
    const saved = JSON.parse(text) as Saved;
    const groups = new Map<string, GroupSeries>(saved.groups.map((g) => [g.key, {
      key: g.key, group: g.group, points: new Map(g.points.map((p) => [p.time, p])),
    }]));
    return { step: saved.step, stepMs: saved.stepMs, groups };
  } catch {
    return undefined;
  }
}

export function forgetSavedSeries(): void {
  Object.keys(localStorage).filter((k) => k.startsWith(PREFIX)).forEach((k) => localStorage.removeItem(k));
}
