import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, setCsrfToken, unwrap, type Schemas } from '@/lib/api-client';

export type Session = Schemas['SessionController.Me'];

export async function getSession(): Promise<Session> {
  const session = unwrap(await api.GET('/v2/session'));
  setCsrfToken(session.csrfToken);
  return session;
}

export const sessionQueryOptions = () => queryOptions({ queryKey: ['session'], queryFn: getSession, staleTime: 60_000 });

export const useSession = () => useQuery(sessionQueryOptions());
