/** How the Operations page writes Flink's and RabbitMQ's numbers. */

export type BackpressureLevel = 'ok' | 'low' | 'high';

/** Flink's web UI grading of a subtask's share of time back-pressured: OK under 10 %, low under 50 %, else high. */
export function backpressureLevel(ratio: number): BackpressureLevel {
  if (ratio >= 0.5) return 'high';
  if (ratio >= 0.1) return 'low';
  return 'ok';
}

export const BACKPRESSURE_LABEL: Record<BackpressureLevel, string> = { ok: 'OK', low: 'Low', high: 'High' };

/**
 * A share (0 to 1) as a percentage with at most one decimal, rounded down so the number shown never
 * crosses a threshold the level has not (9.99 % reads 9.9 %, graded OK).
 */
export function formatPercent(ratio: number): string {
  const share = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
  return `${(Math.floor(share * 1000 + 1e-9) / 10).toLocaleString('en-US')} %`;
}

/** "120 ms", "1.5 s", "42 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 1_000) return `${Math.round(value)} ms`;
  if (value < 10_000) return `${(Math.floor(value / 100) / 10).toLocaleString('en-US')} s`;
  const seconds = Math.floor(value / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** "512 B", "1.5 KiB", "20 MiB" (binary units, as Flink's UI counts state). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.max(0, Math.round(bytes))} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 1 : 0 })} ${BYTE_UNITS[unit]}`;
}

/** A rate or a count: grouped digits, at most one decimal. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export type Tone = 'ok' | 'warn' | 'danger' | 'neutral';

/** How a job's state reads at a glance (the state's name is always shown too). */
export function jobStatusTone(status: string): Tone {
  if (status === 'RUNNING') return 'ok';
  if (status === 'FAILED') return 'danger';
  if (status === 'CANCELED' || status === 'FINISHED') return 'neutral';
  return 'warn'; // RESTARTING, FAILING, CANCELLING, CREATED, INITIALIZING, SUSPENDED, RECONCILING
}
