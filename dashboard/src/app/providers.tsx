import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { env } from '@/config/env';
import { ApiError } from '@/lib/api-client';
import { LiveSocketContext } from '@/lib/live-context';
import { LiveSocket, streamUrl } from '@/lib/live-socket';

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // a refusal (4xx) will not change by asking again; a network or server fault may
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** The app's shared services: the query cache and the tab's one live socket. */
export function AppProviders({ children, socket }: { children: ReactNode; socket?: LiveSocket }) {
  const [client] = useState(makeQueryClient);
  const [live] = useState(() => socket ?? new LiveSocket(streamUrl(env.streamPath)));
  useEffect(() => () => live.close(), [live]);
  return (
    <QueryClientProvider client={client}>
      <LiveSocketContext.Provider value={live}>{children}</LiveSocketContext.Provider>
    </QueryClientProvider>
  );
}
