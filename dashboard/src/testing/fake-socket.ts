import type { SocketLike } from '@/lib/live-socket';

/** A WebSocket stand-in: records what the client sends and lets a test play the server's part. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The connection is lost (server gone, network down). */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }

  framesOfType(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

/** Sockets made by a LiveSocket under test, and manual timers for its backoff. */
export function socketHarness() {
  const sockets: FakeSocket[] = [];
  const timers: { run: () => void; ms: number }[] = [];
  return {
    sockets,
    timers,
    options: {
      createSocket: (url: string) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      random: () => 0.5,
      now: () => 1_000_000,
      setTimer: (run: () => void, ms: number) => {
        const timer = { run, ms };
        timers.push(timer);
        return timer;
      },
      clearTimer: (timer: unknown) => {
        const index = timers.indexOf(timer as (typeof timers)[number]);
        if (index >= 0) timers.splice(index, 1);
      },
    },
    /** Runs the pending reconnect timer. */
    fireTimer() {
      const timer = timers.shift();
      if (!timer) throw new Error('no timer pending');
      timer.run();
      return timer.ms;
    },
    last(): FakeSocket {
      const socket = sockets[sockets.length - 1];
      if (!socket) throw new Error('no socket made');
      return socket;
    },
  };
}
