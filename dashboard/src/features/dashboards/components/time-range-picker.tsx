import { useState } from 'react';
import { RELATIVE_CHOICES, type TimeRange } from '@/lib/time-range';

const REFRESH_CHOICES = [0, 5, 10, 30, 60, 300];

/** `2026-11-30T18:00` (a datetime-local value, UTC) ↔ ISO instant. */
const toLocalInput = (iso: string) => iso.slice(0, 16);
const fromLocalInput = (value: string) => (value ? new Date(`${value}:00Z`).toISOString() : '');

/**
 * The range (relative to now, or two UTC instants) and how often history widgets refresh. Live widgets
 * update as data arrives whatever the refresh setting.
 */
export function TimeRangePicker({ range, refresh, onChange }: {
  range: TimeRange; refresh: number; onChange: (range: TimeRange, refresh: number) => void;
}) {
  const [custom, setCustom] = useState(range.kind === 'absolute');
  const [from, setFrom] = useState(range.kind === 'absolute' ? toLocalInput(range.from) : '');
  const [to, setTo] = useState(range.kind === 'absolute' ? toLocalInput(range.to) : '');
  const valid = from !== '' && to !== '' && from < to;
  return (
    <div className="range-picker">
      <label>
        <span className="label">Time range</span>
        <select value={custom ? 'custom' : range.kind === 'relative' ? range.last : 'custom'} onChange={(e) => {
          if (e.target.value === 'custom') {
            const now = new Date();
            setCustom(true);
            setTo(toLocalInput(now.toISOString()));
            setFrom(toLocalInput(new Date(now.getTime() - 3_600_000).toISOString()));
            return;
          }
          setCustom(false);
          onChange({ kind: 'relative', last: e.target.value }, refresh);
        }}>
          {RELATIVE_CHOICES.map((c) => <option key={c.last} value={c.last}>{c.label}</option>)}
          {range.kind === 'relative' && !RELATIVE_CHOICES.some((c) => c.last === range.last) &&
            <option value={range.last}>Last {range.last}</option>}
          <option value="custom">Absolute range…</option>
        </select>
      </label>
      {custom && (
        <form className="absolute-range" onSubmit={(e) => {
          e.preventDefault();
          if (valid) onChange({ kind: 'absolute', from: fromLocalInput(from), to: fromLocalInput(to) }, refresh);
        }}>
          <label><span className="label">From (UTC)</span>
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required /></label>
          <label><span className="label">To (UTC)</span>
            <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required /></label>
          <button type="submit" className="button" disabled={!valid}>Apply</button>
        </form>
      )}
      <label>
        <span className="label">Refresh</span>
        <select value={refresh} onChange={(e) => onChange(range, Number(e.target.value))}>
          {REFRESH_CHOICES.map((s) => <option key={s} value={s}>{s === 0 ? 'Off' : s < 60 ? `Every ${s} s` : `Every ${s / 60} min`}</option>)}
        </select>
      </label>
    </div>
  );
}
