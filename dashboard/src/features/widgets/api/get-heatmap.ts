import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/lib/api-client';
import type { WidgetQuery } from '@/lib/widget-query';

export type Matrix = Schemas['HeatmapController.Matrix'];

export interface HeatmapRequest {
  query: WidgetQuery;
  fromMs: number;
  toMs: number;
}

export function heatmapParameters({ query, fromMs, toMs }: HeatmapRequest) {
  const range = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), aggregate: query.aggregate };
  return query.view === 'correlation' ? { ...range, metrics: query.metrics.join(',') } : range;
}

/** The widget's matrix: the correlation of its metrics, or its metric's hour-of-day × weekday cells. */
export async function getHeatmap(request: HeatmapRequest): Promise<Matrix> {
  const query = heatmapParameters(request);
  // JSON is asked for (no `format=csv`), so the answer is the JSON one of the route's two media types
  const answer = request.query.view === 'correlation'
    ? unwrap<Matrix | string>(await api.GET('/v2/heatmaps/correlation', { params: { query } }))
    : unwrap<Matrix | string>(await api.GET('/v2/heatmaps/hour-by-weekday/{metric}', {
      params: { path: { metric: request.query.metric }, query },
    }));
  return answer as Matrix;
}

export const heatmapQueryOptions = (request: HeatmapRequest, refreshMs: number | false) => queryOptions({
  queryKey: ['heatmap', request],
  queryFn: () => getHeatmap(request),
  refetchInterval: refreshMs,
});

export const useHeatmap = (request: HeatmapRequest, refreshMs: number | false) =>
  useQuery(heatmapQueryOptions(request, refreshMs));
