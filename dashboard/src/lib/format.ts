/** Numbers as a viewer reads them: exact for tooltips, short for axes. */
export function formatExact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function formatShort(value: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** An instant as "2026-12-01 10:05 UTC", or with seconds. */
export function formatUtc(iso: string, precision: 'minutes' | 'seconds' = 'minutes'): string {
  return `${new Date(iso).toISOString().slice(0, precision === 'minutes' ? 16 : 19).replace('T', ' ')} UTC`;
}

/** "3 s", "2 min", "1 h 5 min": how long ago, or how far behind. */
export function formatLag(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The unit a metric's values are in, read from its name's suffix (`checkout.latency_ms`). */
export function unitOf(metric: string, aggregate: string): string {
  if (aggregate === 'count' || aggregate === 'distinct') return aggregate === 'count' ? 'events' : 'distinct';
  const suffix = /_(ms|s|bytes|pct|percent)$/.exec(metric)?.[1];
  return { ms: 'ms', s: 's', bytes: 'bytes', pct: '%', percent: '%' }[suffix ?? ''] ?? '';
}
