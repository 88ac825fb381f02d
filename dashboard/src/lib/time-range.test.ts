import { describe, expect, it } from 'vitest';
import { describe as describeRange, durationMs, formatInstant, fromIsoDuration, pickStep, resolve, stepMs } from './time-range';

describe('time ranges', () => {
  it('reads durations of seconds, minutes, hours and days, and nothing else', () => {
    expect(durationMs('15m')).toBe(900_000);
    expect(durationMs('7d')).toBe(604_800_000);
    expect(durationMs('0m')).toBeNull();
    expect(durationMs('15 m')).toBeNull();
    expect(durationMs('1w')).toBeNull();
  });

  it('turns a dashboard default range (ISO-8601) into a relative range', () => {
    expect(fromIsoDuration('PT15M')).toEqual({ kind: 'relative', last: '15m' });
    expect(fromIsoDuration('P7D')).toEqual({ kind: 'relative', last: '7d' });
    expect(fromIsoDuration('PT1H')).toEqual({ kind: 'relative', last: '1h' });
    expect(fromIsoDuration('PT30S')).toEqual({ kind: 'relative', last: '30s' });
    expect(fromIsoDuration('nonsense')).toEqual({ kind: 'relative', last: '1h' });
  });

  it('resolves relative ranges against now and absolute ones as given', () => {
    expect(resolve({ kind: 'relative', last: '1h' }, 10_000_000)).toEqual({ fromMs: 6_400_000, toMs: 10_000_000 });
    expect(resolve({ kind: 'absolute', from: '2026-11-30T00:00:00.000Z', to: '2026-11-30T01:00:00.000Z' }, 0))
      .toEqual({ fromMs: Date.parse('2026-11-30T00:00:00Z'), toMs: Date.parse('2026-11-30T01:00:00Z') });
  });

  it('picks the finest step that keeps at most 1,000 points, as the server does', () => {
    expect(pickStep({ fromMs: 0, toMs: 15 * 60_000 }).step).toBe('10s');
    expect(pickStep({ fromMs: 0, toMs: 12 * 3_600_000 }).step).toBe('1m');
    expect(pickStep({ fromMs: 0, toMs: 24 * 3_600_000 }).step).toBe('1h'); // 1,440 minutes: too many
    expect(pickStep({ fromMs: 0, toMs: 7 * 86_400_000 }).step).toBe('1h');
    expect(pickStep({ fromMs: 0, toMs: 100 * 86_400_000 }).step).toBe('1h');
    expect(stepMs('5m-every-10s')).toBe(300_000);
    expect(stepMs('1m')).toBe(60_000);
  });

  it('describes ranges for people', () => {
    expect(describeRange({ kind: 'relative', last: '15m' })).toBe('Last 15 minutes');
    expect(describeRange({ kind: 'relative', last: '90m' })).toBe('Last 90m');
    expect(describeRange({ kind: 'absolute', from: '2026-11-30T00:00:00.000Z', to: '2026-11-30T01:00:00.000Z' }))
      .toBe('2026-11-30 00:00:00 UTC – 2026-11-30 01:00:00 UTC');
    expect(formatInstant(0)).toBe('1970-01-01 00:00:00 UTC');
  });
});
