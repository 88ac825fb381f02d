import { useEffect, useState } from 'react';
import { useLiveSocket } from '@/lib/live-context';
import type { ConnectionStatus } from '@/lib/live-socket';

export function useConnectionStatus(): ConnectionStatus {
  const socket = useLiveSocket();
  const [status, setStatus] = useState(socket.currentStatus());
  useEffect(() => socket.onStatus(setStatus), [socket]);
  return status;
}
