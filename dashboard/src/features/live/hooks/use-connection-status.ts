import { useEffect, useState } from 'react';
import { useLiveSocket } from '@/lib/live-context';
import type { ConnectionStatus } from '@/lib/live-socket';

export function useConnectionStatus(): ConnectionStatus {
  const socket = useLiveSocket();
  const [status, setStatus] = useState(socket.currentStatus());
  useEffect(() => socket.onStatus(setStatus), [socket]);
  return status;
}

/** The current time, ticking every `everyMs`, for "how long ago" labels. */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
