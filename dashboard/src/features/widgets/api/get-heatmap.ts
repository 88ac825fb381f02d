import { queryOptions, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, unwrap, type Schemas } from '@/lib/api-client';
import { saveData, savedData } from '@/lib/saved-data';
import { resolve, type TimeRange } from '@/lib/time-range';
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

/** A matrix with the instants it was computed for, so an export asks for exactly what is shown. */
export interface DrawnMatrix {
  matrix: Matrix;
  request: HeatmapRequest;
}

/** Each fetch (and refresh) takes the range anew, so a range relative to now moves with the clock. */
export const heatmapQueryOptions = (query: WidgetQuery, range: TimeRange, refreshMs: number | false) => queryOptions({
  queryKey: ['heatmap', query, range],
  queryFn: async (): Promise<DrawnMatrix> => {
    const request = { query, ...resolve(range, Date.now()) };
    return { matrix: await getHeatmap(request), request };
  },
  refetchInterval: refreshMs,
});

/** `savedKey`: where the last matrix is kept, shown until (or, offline, instead of) a fresh one. */
export function useHeatmap(query: WidgetQuery, range: TimeRange, refreshMs: number | false, savedKey: string) {
  const answer = useQuery({
    ...heatmapQueryOptions(query, range, refreshMs),
    initialData: () => savedData<DrawnMatrix>(savedKey),
    initialDataUpdatedAt: 0, // stale at once: fetched on mount all the same
  });
  useEffect(() => {
    if (answer.data) saveData(savedKey, answer.data);
  }, [savedKey, answer.data]);
  return answer;
}
