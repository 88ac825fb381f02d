import { useId, useState } from 'react';
import { AGGREGATES, readQuery, writeQuery, type Aggregate, type HeatmapView, type WidgetType } from '@/lib/widget-query';
import { RELATIVE_CHOICES } from '@/lib/time-range';
import { useMetrics } from '../api/get-metrics';
import type { Widget } from '../api/get-dashboards';

interface Props {
  initial: Widget;
  onSubmit: (widget: Widget) => void;
  onCancel: () => void;
}

/** Chooses what a widget shows: chart type, metric, aggregate, group-by, filters, step (or a heatmap's view). */
export function WidgetForm({ initial, onSubmit, onCancel }: Props) {
  const id = useId();
  const metrics = useMetrics();
  const start = readQuery(initial.query);
  const [title, setTitle] = useState(initial.title);
  const [type, setType] = useState<WidgetType>(initial.type as WidgetType);
  const [metric, setMetric] = useState(start.metric);
  const [aggregate, setAggregate] = useState<Aggregate>(start.aggregate);
  const [groupBy, setGroupBy] = useState(start.groupBy.join(', '));
  const [filters, setFilters] = useState(start.filters.join('; '));
  const [step, setStep] = useState(start.step ?? '');
  const [ownRange, setOwnRange] = useState(start.range ?? '');
  const [limit, setLimit] = useState(start.limit);
  const [view, setView] = useState<HeatmapView>(start.view);
  const [heatmapMetrics, setHeatmapMetrics] = useState(start.metrics.join(', '));

  const split = (text: string, separator: string) => text.split(separator).map((s) => s.trim()).filter(Boolean);
  const correlation = type === 'heatmap' && view === 'correlation';
  const metricCount = split(heatmapMetrics, ',').length;
  const problem = !title.trim() ? 'A title is needed'
    : correlation && (metricCount < 2 || metricCount > 20) ? 'A correlation needs 2 to 20 metrics'
    : !correlation && !metric.trim() ? 'Choose a metric' : null;
  const field = (name: string) => `${id}-${name}`;

  return (
    <form className="widget-form" aria-label="Widget" onSubmit={(e) => {
      e.preventDefault();
      if (problem) return;
      onSubmit({
        ...initial, title: title.trim(), type,
        query: writeQuery(type, {
          metric: metric.trim(), aggregate, groupBy: split(groupBy, ','), filters: split(filters, ';'),
          limit, step: step || null, range: ownRange || null, view, metrics: split(heatmapMetrics, ','),
        }),
      });
    }}>
      <datalist id={field('metrics')}>{metrics.data?.map((m) => <option key={m.name} value={m.name} />)}</datalist>
      <label htmlFor={field('title')}>Title</label>
      <input id={field('title')} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor={field('type')}>Chart type</label>
      <select id={field('type')} value={type} onChange={(e) => setType(e.target.value as WidgetType)}>
        <option value="line">Line chart</option>
        <option value="bar">Bar chart</option>
        <option value="heatmap">Heatmap</option>
      </select>
      {type === 'heatmap' && (<>
        <label htmlFor={field('view')}>Heatmap</label>
        <select id={field('view')} value={view} onChange={(e) => setView(e.target.value as HeatmapView)}>
          <option value="hour-by-weekday">Hour of day × weekday</option>
          <option value="correlation">Correlation of metrics</option>
        </select>
      </>)}
      {correlation ? (<>
        <label htmlFor={field('metrics-list')}>Metrics (comma-separated)</label>
        <input id={field('metrics-list')} value={heatmapMetrics} onChange={(e) => setHeatmapMetrics(e.target.value)} />
      </>) : (<>
        <label htmlFor={field('metric')}>Metric</label>
        <input id={field('metric')} list={field('metrics')} value={metric} onChange={(e) => setMetric(e.target.value)} />
      </>)}
      <label htmlFor={field('aggregate')}>Aggregate</label>
      <select id={field('aggregate')} value={aggregate} onChange={(e) => setAggregate(e.target.value as Aggregate)}>
        {AGGREGATES.map((a) => <option key={a} value={a}>{a}</option>)}
      </select>
      {type !== 'heatmap' && (<>
        <label htmlFor={field('group')}>Group by (comma-separated dimensions)</label>
        <input id={field('group')} value={groupBy} onChange={(e) => setGroupBy(e.target.value)} placeholder="region" />
        <label htmlFor={field('filters')}>Filters (dimension:op:value, separated by ;)</label>
        <input id={field('filters')} value={filters} onChange={(e) => setFilters(e.target.value)} placeholder="device:eq:web" />
        <label htmlFor={field('step')}>Step</label>
        <select id={field('step')} value={step} onChange={(e) => setStep(e.target.value)}>
          <option value="">Automatic</option>
          <option value="10s">10 s</option>
          <option value="1m">1 min</option>
          <option value="1h">1 h</option>
          <option value="5m-every-10s">5 min, every 10 s</option>
        </select>
      </>)}
      {type === 'bar' && (<>
        <label htmlFor={field('limit')}>Top N groups</label>
        <input id={field('limit')} type="number" min={1} max={100} value={limit} onChange={(e) => setLimit(Number(e.target.value))} />
      </>)}
      <label htmlFor={field('range')}>Own time range</label>
      <select id={field('range')} value={ownRange} onChange={(e) => setOwnRange(e.target.value)}>
        <option value="">The dashboard's</option>
        {RELATIVE_CHOICES.map((c) => <option key={c.last} value={c.last}>{c.label}</option>)}
        <option value="30d">Last 30 days</option>
      </select>
      {problem && <p className="error" role="alert">{problem}</p>}
      <div className="form-actions">
        <button type="submit" className="button" disabled={problem !== null}>Apply</button>
        <button type="button" className="button subtle" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
