import { describe, expect, it } from 'vitest';
import { applyChanges, ARRIVAL_SLACK_MS, chartRows, fromSnapshot, groupKey, isProvisional, OUT_OF_ORDERNESS_MS } from './live-series';

const EU = { region: 'eu' };
const US = { region: 'us' };

describe('live series', () => {
  it('names groups by their value, by sorted dimensions when there are several, and the ungrouped series "all"', () => {
    expect(groupKey({ region: 'eu' })).toBe('eu');
    expect(groupKey({ region: '' })).toBe('(none)');
    expect(groupKey({ region: 'eu', device: 'ios' })).toBe('device=ios, region=eu');
    expect(groupKey({})).toBe('all');
  });

  it('calls a window provisional until the watermark (newest event time less out-of-orderness) passes its end', () => {
    expect(isProvisional(0, 10_000, null)).toBe(true);
    expect(isProvisional(0, 10_000, 10_000 + OUT_OF_ORDERNESS_MS - 1)).toBe(true);
    expect(isProvisional(0, 10_000, 10_000 + OUT_OF_ORDERNESS_MS)).toBe(false);
  });

  it('marks a point revised when a settled value changes, not when an open window fills up', () => {
    const eventTime = 130_000;
    let series = fromSnapshot('1m', [{ group: EU, events: 4, points: [{ time: 0, value: 5 }, { time: 120_000, value: 1 }] }], eventTime);
    // the open window (120 s) grows: a provisional update, not a revision
    series = applyChanges(series, [{ group: EU, time: 120_000, value: 3, events: 3 }], eventTime, 0);
    // the closed window at 0 (settled at the snapshot) changes: a late correction
    series = applyChanges(series, [{ group: EU, time: 0, value: 6, events: 5 }], eventTime, 0);
    const points = series.groups.get('eu')!.points;
    expect(points.get(120_000)).toMatchObject({ value: 3, revised: false });
    expect(points.get(0)).toMatchObject({ value: 6, revised: true });
  });

  it('calls the first value after a window closed final: a change to it later is a revision', () => {
    const closing = 10_000 + OUT_OF_ORDERNESS_MS - ARRIVAL_SLACK_MS; // the estimate may run a little behind
    let series = fromSnapshot('10s', [], closing);
    series = applyChanges(series, [{ group: EU, time: 0, value: 5, events: 1 }], closing, 0);
    series = applyChanges(series, [{ group: EU, time: 0, value: 7, events: 2 }], closing + 60_000, 0);
    expect(series.groups.get('eu')!.points.get(0)!.revised).toBe(true);
  });

  it('takes a 10 s window’s first value as final even when the event time estimate runs behind', () => {
    let series = fromSnapshot('10s', [], null);
    series = applyChanges(series, [{ group: EU, time: 0, value: 5, events: 1 }], null, 0);
    series = applyChanges(series, [{ group: EU, time: 0, value: 7, events: 2 }], null, 0);
    expect(series.groups.get('eu')!.points.get(0)!.revised).toBe(true);
  });

  it('does not call a minute window revised as its panes fill it, nor when its final value comes', () => {
    let series = fromSnapshot('1m', [], null);
    // panes of 10 s arrive as each closes: 50 s into the minute, then when the minute has closed
    series = applyChanges(series, [{ group: EU, time: 0, value: 5, events: 5 }], 50_000 + OUT_OF_ORDERNESS_MS, 0);
    series = applyChanges(series, [{ group: EU, time: 0, value: 6, events: 6 }], 60_000 + OUT_OF_ORDERNESS_MS, 0);
    expect(series.groups.get('eu')!.points.get(0)).toMatchObject({ value: 6, settled: true, revised: false });
  });

  it('keeps a revised mark through later changes, adds new groups, and drops points older than the range', () => {
    const eventTime = 200_000;
    let series = fromSnapshot('10s', [{ group: EU, events: 1, points: [{ time: 0, value: 1 }, { time: 100_000, value: 2 }] }], eventTime);
    series = applyChanges(series, [{ group: EU, time: 100_000, value: 3, events: 2 }], eventTime, 50_000);
    series = applyChanges(series, [{ group: EU, time: 100_000, value: 3, events: 2 }, { group: US, time: 110_000, value: 9, events: 1 }], eventTime, 50_000);
    const eu = series.groups.get('eu')!.points;
    expect([...eu.keys()]).toEqual([100_000]);
    expect(eu.get(100_000)!.revised).toBe(true);
    expect(series.groups.get('us')!.points.get(110_000)!.value).toBe(9);
  });

  it('leaves untouched groups as they were, so their charts need not redraw', () => {
    const series = fromSnapshot('10s', [{ group: EU, events: 1, points: [{ time: 0, value: 1 }] }, { group: US, events: 1, points: [{ time: 0, value: 2 }] }], 0);
    const next = applyChanges(series, [{ group: EU, time: 10_000, value: 4, events: 1 }], 0, 0);
    expect(next.groups.get('us')).toBe(series.groups.get('us'));
    expect(next.groups.get('eu')).not.toBe(series.groups.get('eu'));
  });

  it('draws a value that was final on arrival as final, though the last freshness answer runs behind', () => {
    const series = fromSnapshot('10s', [{ group: EU, events: 1, points: [{ time: 0, value: 1 }] }], 10_000 + OUT_OF_ORDERNESS_MS);
    expect(chartRows(series, 5_000).rows).toEqual([{ time: 0, eu: 1 }]);
  });

  it('splits each group into a solid final line and a dashed provisional tail that joins it', () => {
    const eventTime = 180_000 + OUT_OF_ORDERNESS_MS; // minutes up to 120 s are closed, 180 s is open
    let series = fromSnapshot('1m', [{ group: EU, events: 3, points: [{ time: 0, value: 1 }, { time: 60_000, value: 2 }, { time: 120_000, value: 3 }, { time: 180_000, value: 4 }] }], eventTime);
    series = applyChanges(series, [{ group: EU, time: 0, value: 5, events: 2 }], eventTime, 0);
    const { rows, keys } = chartRows(series, eventTime);
    expect(keys).toEqual(['eu']);
    expect(rows).toEqual([
      { time: 0, 'eu': 5, 'eu!': 1 },
      { time: 60_000, 'eu': 2 },
      { time: 120_000, 'eu': 3, 'eu~': 3 },
      { time: 180_000, 'eu~': 4 },
    ]);
  });
});
