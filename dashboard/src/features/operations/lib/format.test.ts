import { describe, expect, it } from 'vitest';
import { backpressureLevel, formatBytes, formatDuration, formatNumber, formatPercent, jobStatusTone } from './format';

describe('operations formats', () => {
  it('grades backpressure as Flink does: OK under 10 %, low under 50 %, high from 50 %', () => {
    expect(backpressureLevel(0)).toBe('ok');
    expect(backpressureLevel(0.099)).toBe('ok');
    expect(backpressureLevel(0.1)).toBe('low');
    expect(backpressureLevel(0.499)).toBe('low');
    expect(backpressureLevel(0.5)).toBe('high');
    expect(backpressureLevel(1)).toBe('high');
  });

  it('writes shares as percentages that never cross a level the value has not', () => {
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.0999)).toBe('9.9 %');
    expect(formatPercent(0.5)).toBe('50 %');
    expect(formatPercent(0.123)).toBe('12.3 %');
    expect(formatPercent(1.2)).toBe('100 %');
    expect(formatPercent(Number.NaN)).toBe('0 %');
  });

  it('writes durations in the largest units that fit', () => {
    expect(formatDuration(120)).toBe('120 ms');
    expect(formatDuration(1_550)).toBe('1.5 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(273_600_000)).toBe('3 d 4 h');
    expect(formatDuration(-5)).toBe('0 ms');
  });

  it('writes sizes in binary units and rates with one decimal', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MiB');
    expect(formatBytes(3 * 1024 ** 5)).toBe('3,072 TiB');
    expect(formatNumber(1234.56)).toBe('1,234.6');
  });

  it('tones job states, the name being shown as well', () => {
    expect(jobStatusTone('RUNNING')).toBe('ok');
    expect(jobStatusTone('RESTARTING')).toBe('warn');
    expect(jobStatusTone('FAILED')).toBe('danger');
    expect(jobStatusTone('CANCELED')).toBe('neutral');
  });
});
