/** A time range as the URL holds it: relative to now (`15m`, `24h`, `7d`) or absolute instants. */
export type TimeRange =
  | { kind: 'relative'; last: string }
  | { kind: 'absolute'; from: string; to: string };

export const RELATIVE_CHOICES = [
  { last: '5m', label: 'Last 5 minutes' },
  { last: '15m', label: 'Last 15 minutes' },
  { last: '1h', label: 'Last hour' },
  { last: '6h', label: 'Last 6 hours' },
  { last: '24h', label: 'Last 24 hours' },
  { last: '7d', label: 'Last 7 days' },
] as const;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `15m` → 900000; null when the text is not a positive duration of s, m, h or d. */
export function durationMs(text: string): number | null {
  const match = /^(\d{1,6})([smhd])$/.exec(text);
  if (!match) return null;
  const amount = Number(match[1]);
  return amount > 0 ? amount * (UNIT_MS[match[2] ?? ''] ?? 0) : null;
}

/** A dashboard's default range (ISO-8601 duration such as `PT15M`, `P7D`) as a relative range. */
export function fromIsoDuration(iso: string): TimeRange {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!match) return { kind: 'relative', last: '1h' };
  const [, d, h, m, s] = match;
  const last = d ? `${d}d` : h ? `${h}h` : m ? `${m}m` : s ? `${s}s` : '1h';
  return { kind: 'relative', last };
}

export interface ResolvedRange {
  fromMs: number;
  toMs: number;
}

/** The instants a range covers at `now`. */
export function resolve(range: TimeRange, now: number): ResolvedRange {
  if (range.kind === 'absolute') return { fromMs: Date.parse(range.from), toMs: Date.parse(range.to) };
  return { fromMs: now - (durationMs(range.last) ?? 3_600_000), toMs: now };
}

export const STEPS = [
  { step: '10s', ms: 10_000 },
  { step: '1m', ms: 60_000 },
  { step: '1h', ms: 3_600_000 },
] as const;

/** The server's rule: the finest of 10 s, 1 min, 1 h that keeps at most 1,000 points. */
export function pickStep(span: ResolvedRange, maxPoints = 1000): { step: string; ms: number } {
  const width = Math.max(span.toMs - span.fromMs, 1);
  return STEPS.find((s) => width / s.ms <= maxPoints) ?? STEPS[STEPS.length - 1]!;
}

export function stepMs(step: string): number {
  if (step === '5m-every-10s') return 300_000;
  return STEPS.find((s) => s.step === step)?.ms ?? durationMs(step) ?? 10_000;
}

export function describe(range: TimeRange): string {
  if (range.kind === 'relative') {
    return RELATIVE_CHOICES.find((c) => c.last === range.last)?.label ?? `Last ${range.last}`;
  }
  return `${formatInstant(Date.parse(range.from))} – ${formatInstant(Date.parse(range.to))}`;
}

export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}
