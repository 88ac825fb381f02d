import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/lib/api-client';

export type MetricInfo = Schemas['MetricCatalog.Metric'];

/** The tenant's metrics of the last 7 days with their dimensions, for the widget editor's choices. */
export async function getMetrics(): Promise<MetricInfo[]> {
  return unwrap(await api.GET('/v2/metrics', { params: { query: { limit: 500 } } })).items;
}

export const metricsQueryOptions = () => queryOptions({ queryKey: ['metrics'], queryFn: getMetrics, staleTime: 60_000 });

export const useMetrics = () => useQuery(metricsQueryOptions());
