import { createContext, useContext } from 'react';
import type { LiveSocket } from './live-socket';

/** The tab's one live socket, made by the app's providers. */
export const LiveSocketContext = createContext<LiveSocket | null>(null);

export function useLiveSocket(): LiveSocket {
  const socket = useContext(LiveSocketContext);
  if (!socket) throw new Error('useLiveSocket needs a LiveSocketContext provider');
  return socket;
}
