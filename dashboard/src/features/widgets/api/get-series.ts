import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/lib/api-client';
import type { WidgetQuery } from '@/lib/widget-query';

export type ColumnarSeries = Schemas['QueryControllerV2.ColumnarSeries'];

export interface SeriesRequest {
  query: WidgetQuery;
  fromMs: number;
  toMs: number;
  step: string;
}

export function seriesParameters({ query, fromMs, toMs, step }: SeriesRequest) {
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    step,
    aggregate: query.aggregate,
    groupBy: query.groupBy.length ? query.groupBy.join(',') : undefined,
    filter: query.filters.length ? query.filters : undefined,
    limit: query.limit,
  };
}

export async function getSeries(request: SeriesRequest): Promise<ColumnarSeries> {
  // JSON is asked for (no `format=csv`), so the answer is the JSON one of the route's two media types
  return unwrap<ColumnarSeries | string>(await api.GET('/v2/metrics/{metric}/series', {
    params: { path: { metric: request.query.metric }, query: seriesParameters(request) },
  })) as ColumnarSeries;
}

export const seriesQueryOptions = (request: SeriesRequest, refreshMs: number | false) => queryOptions({
  queryKey: ['series', request],
  queryFn: () => getSeries(request),
  refetchInterval: refreshMs,
});

export const useSeries = (request: SeriesRequest | null, refreshMs: number | false) =>
  useQuery({ ...seriesQueryOptions(request!, refreshMs), enabled: request !== null });
