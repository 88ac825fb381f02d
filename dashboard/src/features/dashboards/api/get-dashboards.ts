import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/lib/api-client';

export type Dashboard = Schemas['Dashboard'];
export type Widget = Schemas['Dashboard.Widget'];

/** The tenant's dashboards in name order (one page of up to 200: more is not a list a person reads). */
export async function getDashboards(): Promise<Dashboard[]> {
  return unwrap(await api.GET('/v2/dashboards', { params: { query: { limit: 200 } } })).items;
}

export const dashboardsQueryOptions = () => queryOptions({ queryKey: ['dashboards'], queryFn: getDashboards });

export const useDashboards = () => useQuery(dashboardsQueryOptions());
