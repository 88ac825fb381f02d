import { describe, expect, it } from 'vitest';
import { errorBound, readQuery, widgetRange, writeQuery } from './widget-query';

describe('widget queries', () => {
  it('reads a stored query and writes it back unchanged', () => {
    const stored = { metric: 'checkout.latency_ms', aggregate: 'p95', groupBy: 'region,device', filter: 'device:eq:web;region:in:eu', step: '1m' };
    expect(writeQuery('line', readQuery(stored))).toEqual(stored);
  });

  it('keeps only what a chart type uses', () => {
    const query = readQuery({ metric: 'page.views', aggregate: 'count', groupBy: 'device', limit: '5', view: 'correlation', metrics: 'a,b' });
    expect(writeQuery('bar', query)).toEqual({ metric: 'page.views', aggregate: 'count', groupBy: 'device', limit: '5' });
    expect(writeQuery('heatmap', query)).toEqual({ aggregate: 'count', view: 'correlation', metrics: 'a,b' });
    expect(writeQuery('heatmap', { ...query, view: 'hour-by-weekday' })).toEqual({ aggregate: 'count', view: 'hour-by-weekday', metric: 'page.views' });
  });

  it('falls back to safe defaults for unknown values', () => {
    expect(readQuery({ aggregate: 'median', limit: '-3', step: '2m', range: 'forever' })).toMatchObject({
      metric: '', aggregate: 'count', limit: 10, step: null, range: null, view: 'hour-by-weekday', groupBy: [], filters: [],
    });
    expect(readQuery({ limit: '5000' }).limit).toBe(100);
  });

  it('uses a widget’s own span only against a relative dashboard range', () => {
    const own = readQuery({ range: '7d' });
    expect(widgetRange(own, { kind: 'relative', last: '15m' })).toEqual({ kind: 'relative', last: '7d' });
    const absolute = { kind: 'absolute' as const, from: '2026-11-30T00:00:00.000Z', to: '2026-11-30T01:00:00.000Z' };
    expect(widgetRange(own, absolute)).toBe(absolute);
    expect(writeQuery('heatmap', own)).toMatchObject({ range: '7d' });
  });

  it('names the error bound of estimates only', () => {
    expect(errorBound('p99')).toContain('±1%');
    expect(errorBound('distinct')).toContain('HyperLogLog');
    expect(errorBound('sum')).toBeNull();
  });
});
