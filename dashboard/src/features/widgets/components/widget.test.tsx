import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PALETTES } from '@/lib/palette';
import { fakeApi } from '@/testing/fake-api';
import { renderWithApp } from '@/testing/render';
import { Widget, type WidgetProps } from './widget';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const base: Omit<WidgetProps, 'widget'> = {
  range: { kind: 'relative', last: '15m' }, filters: ['device:eq:web'], refreshMs: false, clock: { eventTime: NOW, lagMs: 0 },
  palette: PALETTES.light, canExport: true, tenant: 'acme',
};
const line = { type: 'line', title: 'Latency by region', query: { metric: 'checkout.latency_ms', aggregate: 'p95', groupBy: 'region' } };

const readBlob = (blob: Blob) => new Promise<string>((resolve) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result));
  reader.readAsText(blob);
});

describe('Widget', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('subscribes live for a relative range, shows loading, then the snapshot, then appends deltas', () => {
    const { harness } = renderWithApp(<Widget widget={line} {...base} />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    const socket = harness.last();
    act(() => socket.open());
    const subscribe = socket.framesOfType('subscribe')[0]!;
    expect(subscribe).toMatchObject({ metric: 'checkout.latency_ms', aggregate: 'p95', groupBy: ['region'], filters: ['device:eq:web'], window: '10s', points: 90 });
    act(() => socket.receive({ type: 'snapshot', sub: subscribe.sub, seq: 1, cursor: '1-0', step: '10s', series: [
      { group: { region: 'eu' }, events: 2, points: [{ time: NOW - 60_000, value: 120 }, { time: NOW - 50_000, value: 130 }] },
    ] }));
    const chart = screen.getByRole('img', { name: 'Line chart of checkout.latency_ms p95 by region' });
    expect(chart).toHaveAttribute('data-point-count', '2');
    act(() => socket.receive({ type: 'delta', sub: subscribe.sub, seq: 2, cursor: '2-0', points: [{ group: { region: 'eu' }, time: NOW - 40_000, value: 140, events: 1 }] }));
    expect(chart).toHaveAttribute('data-point-count', '3');
    // a settled point changed: a late correction
    act(() => socket.receive({ type: 'delta', sub: subscribe.sub, seq: 3, cursor: '3-0', points: [{ group: { region: 'eu' }, time: NOW - 60_000, value: 125, events: 3 }] }));
    expect(chart).toHaveAttribute('data-revised-count', '1');
    expect(screen.getByText('Live')).toBeInTheDocument();
  });

  it('opens with the series it showed last (offline, or before the snapshot), kept per tenant', () => {
    const first = renderWithApp(<Widget widget={line} {...base} />);
    act(() => first.harness.last().open());
    const sub = first.harness.last().framesOfType('subscribe')[0]!.sub;
    act(() => first.harness.last().receive({ type: 'snapshot', sub, seq: 1, cursor: '1-0', step: '10s', series: [
      { group: { region: 'eu' }, events: 2, points: [{ time: NOW - 60_000, value: 120 }, { time: NOW - 50_000, value: 130 }] }] }));
    first.unmount();

    renderWithApp(<Widget widget={line} {...base} />); // no socket opened: as offline
    expect(screen.getByRole('img', { name: /Line chart/ })).toHaveAttribute('data-point-count', '2');
    first.unmount();
    renderWithApp(<Widget widget={line} {...base} tenant="globex" />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading'); // another tenant's is never shown
  });

  it('says so when the range has no data, and shows a refused subscription as an error', () => {
    const { harness } = renderWithApp(<><Widget widget={line} {...base} /><Widget widget={{ ...line, title: 'Other', query: { metric: 'x' } }} {...base} /></>);
    const socket = harness.last();
    act(() => socket.open());
    const [first, second] = socket.framesOfType('subscribe');
    act(() => socket.receive({ type: 'snapshot', sub: first!.sub, seq: 1, cursor: '1-0', step: '10s', series: [] }));
    act(() => socket.receive({ type: 'error', sub: second!.sub, code: 'bad_request', message: 'unknown metric name' }));
    expect(screen.getByText('No data in this time range')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Could not load: unknown metric name');
  });

  it('draws a bar per group from the newest closed window, largest first', () => {
    const bar = { type: 'bar', title: 'Views by device', query: { metric: 'page.views', groupBy: 'device', limit: '2' } };
    const { harness } = renderWithApp(<Widget widget={bar} {...base} />);
    const socket = harness.last();
    act(() => socket.open());
    const sub = socket.framesOfType('subscribe')[0]!.sub;
    act(() => socket.receive({ type: 'snapshot', sub, seq: 1, cursor: '1-0', step: '10s', series: ['web', 'ios', 'android'].map((device, i) => ({
      group: { device }, events: 1, points: [{ time: NOW - 60_000, value: 10 * (i + 1) }, { time: NOW - 5_000, value: 999 }],
    })) }));
    expect(screen.getByRole('img', { name: 'Bar chart of page.views count by device' })).toHaveAttribute('data-point-count', '2');
  });

  it('reads history over REST for an absolute range', async () => {
    const api = fakeApi({ 'GET /v2/metrics/checkout.latency_ms/series': { body: {
      metric: 'checkout.latency_ms', step: '1m', aggregate: 'p95', times: [NOW - 120_000, NOW - 60_000],
      series: [{ group: { region: 'eu' }, events: 5, values: [100, null] }, { group: { region: 'us' }, events: 5, values: [90, 95] }],
    } } });
    renderWithApp(<Widget widget={line} {...base} range={{ kind: 'absolute', from: '2026-11-30T11:00:00.000Z', to: '2026-11-30T12:00:00.000Z' }} />);
    const chart = await screen.findByRole('img', { name: /Line chart/ });
    expect(chart).toHaveAttribute('data-point-count', '3');
    const params = new URLSearchParams(api.calls[0]!.search);
    expect(Object.fromEntries(params)).toMatchObject({ from: '2026-11-30T11:00:00.000Z', to: '2026-11-30T12:00:00.000Z', step: '10s', aggregate: 'p95', groupBy: 'region', filter: 'device:eq:web' });
    expect(screen.queryByText('Live')).not.toBeInTheDocument();
  });

  it('exports CSV of exactly the windows on screen', async () => {
    const api = fakeApi({ 'GET /v2/metrics/checkout.latency_ms/series': { text: 'time,region,p95\r\n' } });
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => { created.push(blob); return 'blob:csv'; });
    URL.revokeObjectURL = vi.fn();
    const { harness } = renderWithApp(<Widget widget={line} {...base} />);
    act(() => harness.last().open());
    const sub = harness.last().framesOfType('subscribe')[0]!.sub;
    act(() => harness.last().receive({ type: 'snapshot', sub, seq: 1, cursor: '1-0', step: '10s', series: [
      { group: { region: 'eu' }, events: 2, points: [{ time: NOW - 60_000, value: 1 }, { time: NOW - 20_000, value: 2 }] }] }));
    await userEvent.click(screen.getByRole('button', { name: 'Export Latency by region as CSV' }));
    await waitFor(() => expect(created).toHaveLength(1));
    const params = new URLSearchParams(api.calls[0]!.search);
    expect(params.get('from')).toBe(new Date(NOW - 60_000).toISOString());
    expect(params.get('to')).toBe(new Date(NOW - 10_000).toISOString());
    expect(params.get('format')).toBe('csv');
    expect(await readBlob(created[0]!)).toBe('time,region,p95\r\n');
  });

  it('shows an export refusal', async () => {
    fakeApi({ 'GET /v2/heatmaps/correlation': (call) => (call.search.includes('format=csv')
      ? { status: 403, body: { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'missing permission exports:create' } }
      : { body: { rows: ['a', 'b'], columns: ['a', 'b'], values: [[1, 0.5], [0.5, 1]] } }) });
    renderWithApp(<Widget widget={{ type: 'heatmap', title: 'Corr', query: { view: 'correlation', metrics: 'a,b' } }} {...base} />);
    await screen.findByRole('img', { name: 'Correlation heatmap of a, b' });
    await userEvent.click(screen.getByRole('button', { name: 'Export Corr as CSV' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('missing permission exports:create');
  });

  it('keeps showing the last matrix it drew when the server cannot be reached', async () => {
    const heatmap = { type: 'heatmap', title: 'By hour', query: { view: 'hour-by-weekday', metric: 'api.requests' } };
    fakeApi({ 'GET /v2/heatmaps/hour-by-weekday/api.requests': { body: { rows: ['mon'], columns: ['00'], values: [[4]] } } });
    const first = renderWithApp(<Widget widget={heatmap} {...base} />);
    await screen.findByRole('img', { name: /Hour of day/ });
    first.unmount();
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    renderWithApp(<Widget widget={heatmap} {...base} />);
    expect(screen.getByRole('img', { name: /Hour of day/ })).toHaveAttribute('data-cell-count', '1');
    vi.unstubAllGlobals();
  });

  it('draws heatmaps with a legend and exact values, and offers a retry after an error', async () => {
    let fail = true;
    fakeApi({ 'GET /v2/heatmaps/hour-by-weekday/api.requests': () => (fail ? { status: 500, body: { detail: 'database down' } }
      : { body: { rows: ['mon', 'tue'], columns: ['00', '01'], values: [[4, null], [2, 8]] } }) });
    renderWithApp(<Widget widget={{ type: 'heatmap', title: 'By hour', query: { view: 'hour-by-weekday', metric: 'api.requests' } }} {...base} />);
    expect(await screen.findByRole('alert', {}, { timeout: 5000 })).toHaveTextContent('database down');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    const map = await screen.findByRole('img', { name: 'Hour of day by weekday heatmap of api.requests count' });
    expect(map).toHaveAttribute('data-cell-count', '3');
    expect(map.querySelectorAll('title')[1]).toHaveTextContent('mon × 01: no data');
    expect(map.querySelectorAll('title')[3]).toHaveTextContent('tue × 01: 8 events');
  });
});
