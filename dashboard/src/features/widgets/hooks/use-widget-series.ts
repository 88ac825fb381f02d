import { useEffect, useRef, useState } from 'react';
import { useLiveSocket } from '@/lib/live-context';
import { applyChanges, eventTimeAt, fromSnapshot, type EventClock, type LiveSeries } from '@/lib/live-series';
import { savedSeries, saveSeries } from '@/lib/saved-data';
import { pickStep, resolve, stepMs, type TimeRange } from '@/lib/time-range';
import type { WidgetQuery } from '@/lib/widget-query';
import { useSeries, type SeriesRequest } from '../api/get-series';
import { fromColumnar } from '../lib/series';

export interface WidgetSeries {
  series: LiveSeries | undefined;
  error: string | null;
  loading: boolean;
  live: boolean;
}

/**
 * A line or bar widget's points. A range relative to now is live: one subscription on the tab's socket,
 * a snapshot of the range then its changes. An absolute range is history from the REST API. The widget
 * is remounted when its query or range changes (its key), so both are fixed for this hook's life.
 */
export function useWidgetSeries(query: WidgetQuery, range: TimeRange, clock: EventClock, tenant: string): WidgetSeries {
  const live = range.kind === 'relative';
  const [span] = useState(() => resolve(range, Date.now()));
  const step = query.step ?? pickStep(span).step;
  const history = useSeries(live ? null : { query, fromMs: span.fromMs, toMs: span.toMs, step } satisfies SeriesRequest, false);
  const stream = useLiveStream(live ? query : null, step, span.toMs - span.fromMs, clock, tenant);
  if (live) return { ...stream, live };
  return {
    series: history.data ? fromColumnar(history.data, clock.eventTime) : undefined,
    error: history.error ? history.error.message : null,
    loading: history.isPending,
    live,
  };
}

function useLiveStream(query: WidgetQuery | null, step: string, durationMs: number, clock: EventClock, tenant: string) {
  const socket = useLiveSocket();
  const points = Math.min(1000, Math.max(1, Math.ceil(durationMs / stepMs(step))));
  const key = query ? JSON.stringify([tenant, query.metric, query.aggregate, query.groupBy, query.filters, step, points]) : null;
  // until the snapshot comes (or offline), what this widget showed last
  const [state, setState] = useState<{ series?: LiveSeries; error: string | null }>(() => ({
    series: key ? savedSeries(key) : undefined, error: null,
  }));
  const clockRef = useRef(clock);
  useEffect(() => {
    clockRef.current = clock;
  }, [clock]);
  useEffect(() => {
    if (!key || !query) return undefined;
    return socket.subscribe({
      metric: query.metric, window: step, aggregate: query.aggregate, groupBy: query.groupBy, filters: query.filters, points,
    }, (event) => {
      const arrival = eventTimeAt(clockRef.current, Date.now());
      if (event.kind === 'snapshot') setState({ series: fromSnapshot(event.step, event.series, arrival), error: null });
      else if (event.kind === 'error') setState((s) => ({ ...s, error: event.message }));
      else setState((s) => (s.series ? {
        series: applyChanges(s.series, event.points, arrival, Date.now() - durationMs),
        error: null,
      } : s));
    });
    // the key holds everything the subscription depends on
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, socket]);

  useEffect(() => {
    if (key && state.series) saveSeries(key, state.series);
  }, [key, state.series]);

  return { series: state.series, error: state.error, loading: !state.series && !state.error };
}
