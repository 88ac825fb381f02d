import type { GroupSeries, LiveSeries, SeriesPoint } from './live-series';

/**
 * What each widget showed last, kept in localStorage under the tenant's name, so the app opens offline
 * with the last data (and paints at once before fresh data replaces it). Signing out deletes it all
 * ({@link forgetSavedData}).
 */
const PREFIX = 'pulse.saved.';

export function saveData(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // storage full or refused: the widget works without it
  }
}

export function savedData<T>(key: string): T | undefined {
  const text = localStorage.getItem(PREFIX + key);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export function forgetSavedData(): void {
  Object.keys(localStorage).filter((k) => k.startsWith(PREFIX)).forEach((k) => localStorage.removeItem(k));
}

interface SavedSeries {
  step: string;
  stepMs: number;
  groups: { key: string; group: Record<string, string>; points: SeriesPoint[] }[];
}

export function saveSeries(key: string, series: LiveSeries): void {
  saveData(key, {
    step: series.step,
    stepMs: series.stepMs,
    groups: [...series.groups.values()].map((g) => ({ key: g.key, group: g.group, points: [...g.points.values()] })),
  } satisfies SavedSeries);
}

export function savedSeries(key: string): LiveSeries | undefined {
  const saved = savedData<SavedSeries>(key);
  if (!saved?.groups) return undefined;
  const groups = new Map<string, GroupSeries>(saved.groups.map((g) => [g.key, {
    key: g.key, group: g.group, points: new Map(g.points.map((p) => [p.time, p])),
  }]));
  return { step: saved.step, stepMs: saved.stepMs, groups };
}
