import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readQuery } from '@/lib/widget-query';
import { fakeApi } from '@/testing/fake-api';
import { heatmapQueryOptions } from './get-heatmap';

describe('heatmap query', () => {
  afterEach(() => vi.useRealTimers());

  it('takes a relative range anew at each refresh, and keeps the instants it drew', async () => {
    const api = fakeApi({ 'GET /v2/heatmaps/hour-by-weekday/api.requests': { body: { rows: [], columns: [], values: [] } } });
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = new QueryClient();
    const options = heatmapQueryOptions(readQuery({ view: 'hour-by-weekday', metric: 'api.requests' }), { kind: 'relative', last: '7d' }, false);
    vi.setSystemTime(Date.parse('2026-11-30T12:00:00Z'));
    const first = await client.fetchQuery(options);
    vi.setSystemTime(Date.parse('2026-11-30T12:01:00Z'));
    const second = await client.fetchQuery({ ...options, staleTime: 0 });
    expect(new Date(first.request.toMs).toISOString()).toBe('2026-11-30T12:00:00.000Z');
    expect(new Date(second.request.toMs).toISOString()).toBe('2026-11-30T12:01:00.000Z');
    expect(new URLSearchParams(api.calls[1]!.search).get('from')).toBe('2026-11-23T12:01:00.000Z');
  });
});
