import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { Dashboard } from './get-dashboards';

export async function getDashboard(id: string): Promise<Dashboard> {
  return unwrap(await api.GET('/v2/dashboards/{id}', { params: { path: { id } } }));
}

export const dashboardQueryOptions = (id: string) =>
  queryOptions({ queryKey: ['dashboards', id], queryFn: () => getDashboard(id) });

export const useDashboard = (id: string) => useQuery(dashboardQueryOptions(id));
