import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/lib/api-client';

export type Freshness = Schemas['Freshness'];

/** How current the tenant's numbers are: the newest event time the job has seen, and late corrections. */
export async function getFreshness(): Promise<Freshness> {
  return unwrap(await api.GET('/v2/freshness'));
}

// the job writes it at each checkpoint (2 s)
export const freshnessQueryOptions = () => queryOptions({ queryKey: ['freshness'], queryFn: getFreshness, refetchInterval: 5_000 });

export const useFreshness = () => useQuery(freshnessQueryOptions());
