import { describe, expect, it } from 'vitest';
import { socketHarness } from '@/testing/fake-socket';
import { LiveSocket, streamUrl, type LiveEvent, type LiveQuery } from './live-socket';

const QUERY: LiveQuery = { metric: 'checkout.latency_ms', window: '10s', aggregate: 'p95', groupBy: ['region'], filters: [], points: 90 };

function started() {
  const harness = socketHarness();
  const live = new LiveSocket('ws://pulse.test/v1/stream', harness.options);
  const events: LiveEvent[] = [];
  const stop = live.subscribe(QUERY, (e) => events.push(e));
  return { harness, live, events, stop };
}

describe('LiveSocket', () => {
  it('opens one socket for all subscriptions and subscribes each once it is open', () => {
    const { harness, live } = started();
    live.subscribe({ ...QUERY, metric: 'page.views' }, () => undefined);
    expect(harness.sockets).toHaveLength(1);
    expect(harness.last().sent).toHaveLength(0);
    harness.last().open();
    const subscribes = harness.last().framesOfType('subscribe');
    expect(subscribes.map((f) => f.metric)).toEqual(['checkout.latency_ms', 'page.views']);
    expect(subscribes[0]).toMatchObject({ window: '10s', aggregate: 'p95', groupBy: ['region'], points: 90 });
    expect(subscribes[0]).not.toHaveProperty('resume');
    expect(live.currentStatus().state).toBe('open');
  });

  it('hands snapshots and deltas to the subscriber and records when data last came', () => {
    const { harness, live, events } = started();
    const socket = harness.last();
    socket.open();
    const sub = socket.sent[0]!.sub;
    socket.receive({ type: 'snapshot', sub, seq: 1, cursor: '5-0', step: '10s', series: [{ group: { region: 'eu' }, events: 3, points: [{ time: 0, value: 1 }] }] });
    socket.receive({ type: 'delta', sub, seq: 2, cursor: '6-0', points: [{ group: { region: 'eu' }, time: 10_000, value: 2, events: 1 }] });
    socket.receive({ type: 'heartbeat', time: 5 });
    expect(events.map((e) => e.kind)).toEqual(['snapshot', 'points']);
    expect(live.currentStatus().lastUpdate).toBe(1_000_000);
  });

  it('reconnects with growing, jittered backoff and resumes from the last seq and cursor', () => {
    const { harness, live } = started();
    harness.last().open();
    const sub = harness.last().sent[0]!.sub;
    harness.last().receive({ type: 'snapshot', sub, seq: 1, cursor: '5-0', step: '10s', series: [] });
    harness.last().receive({ type: 'delta', sub, seq: 2, cursor: '7-0', points: [] });

    harness.last().drop();
    expect(live.currentStatus()).toMatchObject({ state: 'reconnecting', attempt: 1 });
    expect(harness.fireTimer()).toBe(375); // half of 500 plus half of the jitter range at random 0.5
    harness.last().drop();
    expect(harness.fireTimer()).toBe(750);
    harness.last().drop();
    expect(harness.fireTimer()).toBe(1500);

    harness.last().open();
    expect(live.currentStatus()).toMatchObject({ state: 'open', attempt: 0 });
    expect(harness.last().framesOfType('subscribe')[0]).toMatchObject({ sub, resume: { seq: 2, cursor: '7-0' } });
  });

  it('caps the backoff', () => {
    const live = new LiveSocket('ws://x', { ...socketHarness().options, random: () => 1 });
    expect(live.backoff(30)).toBe(30_000);
  });

  it('accepts the resumed frame as the next in sequence and passes its points on', () => {
    const { harness, events } = started();
    harness.last().open();
    const sub = harness.last().sent[0]!.sub;
    harness.last().receive({ type: 'snapshot', sub, seq: 1, cursor: '5-0', step: '10s', series: [] });
    harness.last().drop();
    harness.fireTimer();
    harness.last().open();
    harness.last().receive({ type: 'resumed', sub, seq: 2, cursor: '9-0', points: [{ group: {}, time: 0, value: 4, events: 2 }] });
    expect(events.at(-1)).toEqual({ kind: 'points', points: [{ group: {}, time: 0, value: 4, events: 2 }] });
  });

  it('starts over with a snapshot when the server cannot resume', () => {
    const { harness } = started();
    harness.last().open();
    const sub = harness.last().sent[0]!.sub;
    harness.last().receive({ type: 'snapshot', sub, seq: 1, cursor: '5-0', step: '10s', series: [] });
    harness.last().drop();
    harness.fireTimer();
    const socket = harness.last();
    socket.open();
    socket.receive({ type: 'error', sub, code: 'resume_expired', message: 'resume cursor expired' });
    const again = socket.framesOfType('subscribe').at(-1)!;
    expect(again.sub).toBe(sub);
    expect(again).not.toHaveProperty('resume');
  });

  it('treats a gap in sequence numbers as a lost frame: drops the subscription and subscribes afresh', () => {
    const { harness, events } = started();
    const socket = harness.last();
    socket.open();
    const sub = socket.sent[0]!.sub;
    socket.receive({ type: 'snapshot', sub, seq: 1, cursor: '5-0', step: '10s', series: [] });
    socket.receive({ type: 'delta', sub, seq: 3, cursor: '8-0', points: [{ group: {}, time: 0, value: 9, events: 1 }] });
    expect(events.map((e) => e.kind)).toEqual(['snapshot']); // the out-of-order delta is not applied
    expect(socket.framesOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', sub }]);
    const fresh = socket.framesOfType('subscribe').at(-1)!;
    expect(fresh.sub).not.toBe(sub);
    expect(fresh).not.toHaveProperty('resume');
    socket.receive({ type: 'snapshot', sub: fresh.sub, seq: 1, cursor: '8-0', step: '10s', series: [] });
    expect(events.map((e) => e.kind)).toEqual(['snapshot', 'snapshot']);
  });

  it('sends a subscribe again when no answer comes (a frame lost on the way), and only then', () => {
    const { harness, events } = started();
    const socket = harness.last();
    socket.open();
    const lost = socket.framesOfType('subscribe')[0]!.sub;
    expect(harness.timers.map((t) => t.ms)).toEqual([10_000]);
    harness.fireTimer();
    expect(socket.framesOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', sub: lost }]);
    const again = socket.framesOfType('subscribe').at(-1)!;
    expect(again.sub).not.toBe(lost);
    socket.receive({ type: 'snapshot', sub: again.sub, seq: 1, cursor: '1-0', step: '10s', series: [] });
    expect(events.map((e) => e.kind)).toEqual(['snapshot']);
    expect(harness.timers).toHaveLength(0); // answered: nothing more is sent
  });

  it('passes other errors to the subscriber', () => {
    const { harness, events } = started();
    harness.last().open();
    const sub = harness.last().sent[0]!.sub;
    harness.last().receive({ type: 'error', sub, code: 'bad_request', message: 'unknown aggregate' });
    expect(events).toEqual([{ kind: 'error', code: 'bad_request', message: 'unknown aggregate' }]);
  });

  it('unsubscribes on the open socket and ignores frames for unknown subscriptions or not JSON', () => {
    const { harness, events, stop } = started();
    const socket = harness.last();
    socket.open();
    const sub = socket.sent[0]!.sub;
    stop();
    stop(); // twice is harmless
    expect(socket.framesOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', sub }]);
    socket.receive({ type: 'delta', sub, seq: 2, cursor: '1-0', points: [] });
    socket.onmessage?.({ data: 'not json' });
    expect(events).toEqual([]);
  });

  it('subscribes at once when the socket is already open', () => {
    const { harness, live } = started();
    harness.last().open();
    live.subscribe({ ...QUERY, metric: 'orders.value' }, () => undefined);
    expect(harness.last().framesOfType('subscribe').map((f) => f.metric)).toEqual(['checkout.latency_ms', 'orders.value']);
  });

  it('stops reconnecting once closed, and tells status listeners', () => {
    const { harness, live } = started();
    const states: string[] = [];
    live.onStatus((s) => states.push(s.state));
    harness.last().open();
    harness.last().drop();
    live.close();
    expect(harness.timers).toHaveLength(0);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'closed']);
  });

  it('builds the stream address on the page origin', () => {
    expect(streamUrl('/v1/stream', { protocol: 'https:', host: 'pulse.example' } as Location)).toBe('wss://pulse.example/v1/stream');
    expect(streamUrl('/v1/stream', { protocol: 'http:', host: '127.0.0.1:8080' } as Location)).toBe('ws://127.0.0.1:8080/v1/stream');
  });
});
