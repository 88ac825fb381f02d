import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatView, parseView, useViewState } from './url-state';

describe('view state in the address', () => {
  it('round-trips dashboard, relative range, refresh and filters', () => {
    const view = { page: 'dashboards' as const, dashboard: 'abc', range: { kind: 'relative' as const, last: '15m' }, refresh: 10, filters: ['region:eq:eu', 'device:not:ios'] };
    expect(parseView(formatView(view))).toEqual(view);
  });

  it('round-trips an absolute range', () => {
    const view = { page: 'dashboards' as const, dashboard: 'abc', range: { kind: 'absolute' as const, from: '2026-11-30T00:00:00.000Z', to: '2026-11-30T06:00:00.000Z' }, refresh: null, filters: [] };
    expect(parseView(formatView(view))).toEqual(view);
  });

  it('ignores what does not parse: bad ranges, reversed instants, bad refresh, malformed filters', () => {
    expect(parseView('?last=forever&refresh=soon&filter=region&filter=region:eq:eu')).toEqual({
      page: 'dashboards', dashboard: null, range: null, refresh: null, filters: ['region:eq:eu'],
    });
    expect(parseView('?from=2026-11-30T06:00:00Z&to=2026-11-30T00:00:00Z').range).toBeNull();
  });

  it('round-trips the Operations and Jobs pages, and keeps addresses without a page on the dashboards', () => {
    const operations = { page: 'operations' as const, dashboard: null, range: null, refresh: null, filters: [] };
    expect(formatView(operations)).toBe('?page=operations');
    expect(parseView(formatView(operations))).toEqual(operations);
    expect(parseView('?dashboard=abc&last=1h')).toMatchObject({ page: 'dashboards', dashboard: 'abc' });
    expect(formatView(parseView('?dashboard=abc&last=1h'))).toBe('?dashboard=abc&last=1h'); // no page written
    expect(parseView('?page=nonsense').page).toBe('dashboards');
    expect(parseView(formatView({ ...operations, page: 'jobs' })).page).toBe('jobs');
  });

  it('pushes a history entry per change and follows Back', () => {
    window.history.replaceState(null, '', '/?dashboard=one');
    const { result } = renderHook(() => useViewState());
    expect(result.current[0].dashboard).toBe('one');
    act(() => result.current[1]({ ...result.current[0], dashboard: 'two' }));
    expect(window.location.search).toBe('?dashboard=two');
    expect(result.current[0].dashboard).toBe('two');
    act(() => {
      window.history.replaceState(null, '', '/?dashboard=one');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    expect(result.current[0].dashboard).toBe('one');

    act(() => result.current[1]({ page: 'operations', dashboard: null, range: null, refresh: null, filters: [] }));
    expect(window.location.search).toBe('?page=operations');
    expect(result.current[0].page).toBe('operations');
  });
});
