import { useCallback, useSyncExternalStore } from 'react';
import { durationMs, type TimeRange } from './time-range';

/**
 * What the screen shows, kept in the address so a shared link reproduces the view and a reload keeps it:
 * `?dashboard=<id>&last=15m` or `&from=<ISO>&to=<ISO>`, `&refresh=<seconds>`, repeated `&filter=d:op:v`;
 * `?page=operations` for the Operations page, `?page=jobs` for the Jobs page (no `page`: the dashboards, as
 * addresses always were).
 * Query parameters only: any static server (and the service worker's fallback) serves the one page.
 */
export interface ViewState {
  page: Page;
  dashboard: string | null;
  /** null: the dashboard's own default range */
  range: TimeRange | null;
  /** seconds between refreshes of the history widgets; 0 = off; null: the dashboard's own */
  refresh: number | null;
  filters: string[];
}

/** The app's pages; `dashboards` (the list, or the one `dashboard` names) is the default, never written. */
export type Page = 'dashboards' | 'operations' | 'jobs';
const PAGES: readonly Page[] = ['dashboards', 'operations', 'jobs'];

export const FILTER_PATTERN = /^[^:\s]+:(eq|in|not):.+$/;

export function parseView(search: string): ViewState {
  const params = new URLSearchParams(search);
  const last = params.get('last');
  const from = params.get('from');
  const to = params.get('to');
  let range: TimeRange | null = null;
  if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to)) && Date.parse(from) < Date.parse(to)) {
    range = { kind: 'absolute', from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  } else if (last && durationMs(last) !== null) {
    range = { kind: 'relative', last };
  }
  const refreshText = params.get('refresh');
  const refresh = refreshText !== null && /^\d{1,5}$/.test(refreshText) ? Number(refreshText) : null;
  const page = PAGES.find((p) => p === params.get('page')) ?? 'dashboards';
  return {
    page,
    dashboard: params.get('dashboard'),
    range,
    refresh,
    filters: params.getAll('filter').filter((f) => FILTER_PATTERN.test(f)),
  };
}

export function formatView(view: ViewState): string {
  const params = new URLSearchParams();
  if (view.page !== 'dashboards') params.set('page', view.page);
  if (view.dashboard) params.set('dashboard', view.dashboard);
  if (view.range?.kind === 'relative') params.set('last', view.range.last);
  if (view.range?.kind === 'absolute') {
    params.set('from', view.range.from);
    params.set('to', view.range.to);
  }
  if (view.refresh !== null) params.set('refresh', String(view.refresh));
  view.filters.forEach((f) => params.append('filter', f));
  const text = params.toString();
  return text ? `?${text}` : window.location.pathname;
}

const listeners = new Set<() => void>();
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The view in the address bar, and a setter that adds a history entry (Back returns to the last view). */
export function useViewState(): [ViewState, (next: ViewState) => void] {
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  const setView = useCallback((next: ViewState) => {
    window.history.pushState(null, '', formatView(next));
    listeners.forEach((listener) => listener());
  }, []);
  return [parseView(search), setView];
}
