/**
 * The tab's one WebSocket to `/v1/stream` (docs/streaming.md), carrying every live subscription of the
 * page. It reconnects with exponential backoff and jitter, and resumes each subscription from its last
 * `seq` and `cursor`, so nothing is missed and nothing is repeated; where the server cannot prove that
 * (`resume_expired`), or a frame's seq is not the next one, the subscription starts over with a snapshot.
 */

export interface LiveQuery {
  metric: string;
  window: string;
  aggregate: string;
  groupBy: string[];
  filters: string[];
  points: number;
}

export type Group = Record<string, string>;

export interface LivePoint {
  group: Group;
  time: number;
  value: number | null;
  events: number;
}

export interface SnapshotSeries {
  group: Group;
  events: number;
  points: { time: number; value: number | null }[];
}

export type LiveEvent =
  | { kind: 'snapshot'; step: string; series: SnapshotSeries[] }
  | { kind: 'points'; points: LivePoint[] }
  | { kind: 'error'; code: string; message: string };

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  /** epoch ms of the last frame carrying data (snapshot or changed points) */
  lastUpdate: number | null;
  /** reconnect attempts since the last successful open */
  attempt: number;
}

/** The part of the browser's WebSocket this client uses (tests hand in their own). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface LiveSocketOptions {
  createSocket?: (url: string) => SocketLike;
  /** how long a subscribe may go unanswered before it is sent again */
  answerTimeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

interface Subscription {
  id: string;
  query: LiveQuery;
  listener: (event: LiveEvent) => void;
  seq: number;
  cursor: string | null;
  /** the timer that sends the subscribe again if no answer comes */
  unanswered: unknown;
}

const OPEN = 1;

export class LiveSocket {
  private socket: SocketLike | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private status: ConnectionStatus = { state: 'closed', lastUpdate: null, attempt: 0 };
  private timer: unknown = null;
  private nextId = 1;
  private stopped = false;
  private readonly options: Required<LiveSocketOptions>;

  constructor(private readonly url: string, options: LiveSocketOptions = {}) {
    this.options = {
      createSocket: options.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike),
      answerTimeoutMs: options.answerTimeoutMs ?? 10_000,
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      setTimer: options.setTimer ?? ((run, ms) => setTimeout(run, ms)),
      clearTimer: options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>)),
    };
  }

  /** Starts a live subscription; the returned function stops it. The socket opens with the first one. */
  subscribe(query: LiveQuery, listener: (event: LiveEvent) => void): () => void {
    const subscription: Subscription = { id: this.newId(), query, listener, seq: 0, cursor: null, unanswered: null };
    this.subscriptions.set(subscription.id, subscription);
    if (this.socket?.readyState === OPEN) this.sendSubscribe(subscription);
    else if (!this.socket && !this.timer) this.connect();
    return () => {
      // its id may have changed since (a restart); gone already when stopped twice
      if (this.subscriptions.get(subscription.id) !== subscription) return;
      this.answered(subscription);
      this.subscriptions.delete(subscription.id);
      if (this.socket?.readyState === OPEN) this.send({ type: 'unsubscribe', sub: subscription.id });
    };
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  currentStatus(): ConnectionStatus {
    return this.status;
  }

  close(): void {
    this.stopped = true;
    this.subscriptions.forEach((s) => this.answered(s));
    if (this.timer) this.options.clearTimer(this.timer);
    this.timer = null;
    this.socket?.close(1000);
    this.socket = null;
    this.setStatus({ state: 'closed' });
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped) return;
    this.setStatus({ state: this.status.attempt === 0 ? 'connecting' : 'reconnecting' });
    const socket = this.options.createSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.setStatus({ state: 'open', attempt: 0 });
      this.subscriptions.forEach((s) => this.sendSubscribe(s));
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') this.receive(event.data);
    };
    socket.onerror = () => undefined; // a close follows: handled there
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.subscriptions.forEach((s) => this.answered(s)); // sent again when the socket is back
      if (this.stopped) return;
      const attempt = this.status.attempt + 1;
      this.setStatus({ state: 'reconnecting', attempt });
      this.timer = this.options.setTimer(() => this.connect(), this.backoff(attempt));
    };
  }

  /** Full jitter over an exponential ceiling: reconnecting tabs do not return in step. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (ceiling / 2) * this.options.random());
  }

  private sendSubscribe(subscription: Subscription): void {
    const { metric, window, aggregate, groupBy, filters, points } = subscription.query;
    const frame: Record<string, unknown> = { type: 'subscribe', sub: subscription.id, metric, window, aggregate, groupBy, filters, points };
    if (subscription.seq > 0 && subscription.cursor) frame.resume = { seq: subscription.seq, cursor: subscription.cursor };
    this.send(frame);
    // every subscribe is answered (snapshot, resumed or error); a frame lost on the way gets sent again
    this.answered(subscription);
    subscription.unanswered = this.options.setTimer(() => {
      subscription.unanswered = null;
      if (this.subscriptions.get(subscription.id) === subscription && this.socket?.readyState === OPEN) this.restart(subscription);
    }, this.options.answerTimeoutMs);
  }

  private answered(subscription: Subscription): void {
    if (subscription.unanswered) this.options.clearTimer(subscription.unanswered);
    subscription.unanswered = null;
  }

  private send(frame: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private receive(text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return; // not ours to understand; the server only sends JSON
    }
    const subscription = typeof frame.sub === 'string' ? this.subscriptions.get(frame.sub) : undefined;
    if (subscription) this.answered(subscription);
    switch (frame.type) {
      case 'snapshot':
        if (!subscription) return;
        subscription.seq = Number(frame.seq);
        subscription.cursor = String(frame.cursor);
        this.setStatus({ lastUpdate: this.options.now() });
        subscription.listener({ kind: 'snapshot', step: String(frame.step), series: (frame.series ?? []) as SnapshotSeries[] });
        return;
      case 'delta':
      case 'resumed':
        if (!subscription) return;
        if (Number(frame.seq) !== subscription.seq + 1) {
          this.restart(subscription); // a frame is missing: only a new snapshot is sure to be complete
          return;
        }
        subscription.seq = Number(frame.seq);
        subscription.cursor = String(frame.cursor);
        this.setStatus({ lastUpdate: this.options.now() });
        subscription.listener({ kind: 'points', points: (frame.points ?? []) as LivePoint[] });
        return;
      case 'error':
        if (!subscription) return;
        if (frame.code === 'resume_expired') {
          subscription.seq = 0;
          subscription.cursor = null;
          this.sendSubscribe(subscription);
          return;
        }
        subscription.listener({ kind: 'error', code: String(frame.code), message: String(frame.message) });
        return;
      default:
        return; // heartbeat, pong, unsubscribed
    }
  }

  /** Drops the server's subscription and starts a fresh one under a new id. */
  private restart(subscription: Subscription): void {
    this.send({ type: 'unsubscribe', sub: subscription.id });
    this.subscriptions.delete(subscription.id);
    subscription.id = this.newId();
    subscription.seq = 0;
    subscription.cursor = null;
    this.subscriptions.set(subscription.id, subscription);
    this.sendSubscribe(subscription);
  }

  private newId(): string {
    return `s${this.nextId++}`;
  }

  private setStatus(change: Partial<ConnectionStatus>): void {
    this.status = { ...this.status, ...change };
    this.statusListeners.forEach((listener) => listener(this.status));
  }
}

/** The stream's address on this page's own origin (`ws:` or `wss:` as the page). */
export function streamUrl(path: string, location: Location = window.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}
