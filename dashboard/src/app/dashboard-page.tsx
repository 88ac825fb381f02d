import { useRef } from 'react';
import type { Dashboard } from '@/features/dashboards/api/get-dashboards';
import { DashboardView } from '@/features/dashboards/components/dashboard-view';
import { FilterBar } from '@/features/dashboards/components/filter-bar';
import { TimeRangePicker } from '@/features/dashboards/components/time-range-picker';
import { ExportPdfButton } from '@/features/export/components/export-pdf-button';
import type { Session } from '@/features/session/api/get-session';
import { can } from '@/features/session/lib/permissions';
import { Widget } from '@/features/widgets/components/widget';
import type { EventClock } from '@/lib/live-series';
import type { Palette } from '@/lib/palette';
import { describe, fromIsoDuration } from '@/lib/time-range';
import type { ViewState } from '@/lib/url-state';

interface Props {
  id: string;
  view: ViewState;
  setView: (view: ViewState) => void;
  session: Session;
  palette: Palette;
  clock: EventClock;
}

/** One dashboard with its range, refresh and filters from the address, and its exports. */
export function DashboardPage({ id, view, setView, session, palette, clock }: Props) {
  const grid = useRef<HTMLDivElement>(null);
  return (
    <div ref={grid}>
      <DashboardView id={id} canEdit={can(session, 'dashboards:write')}
        onDeleted={() => setView({ ...view, dashboard: null })}
        actions={(dashboard) => {
          const { range } = shownRange(view, dashboard);
          return <ExportPdfButton target={grid} header={{ title: dashboard.name, tenant: session.tenant, range: describe(range) }} />;
        }}
        toolbar={(dashboard) => {
          const { range, refresh } = shownRange(view, dashboard);
          return (
            <div className="toolbar">
              <TimeRangePicker key={JSON.stringify(range)} range={range} refresh={refresh}
                onChange={(nextRange, nextRefresh) => setView({ ...view, range: nextRange, refresh: nextRefresh })} />
              <FilterBar filters={view.filters} onChange={(filters) => setView({ ...view, filters })} />
            </div>
          );
        }}
        renderWidget={(widget, dashboard) => {
          const { range, refresh } = shownRange(view, dashboard);
          return <Widget key={JSON.stringify([range, view.filters, widget.query, widget.type])} widget={widget} range={range}
            filters={view.filters} refreshMs={refresh ? refresh * 1000 : false} clock={clock}
            palette={palette} canExport={can(session, 'exports:create')} tenant={session.tenant} />;
        }} />
    </div>
  );
}

/** The range and refresh the address asks for, else the dashboard's own. */
function shownRange(view: ViewState, dashboard: Dashboard) {
  return { range: view.range ?? fromIsoDuration(dashboard.defaultRange), refresh: view.refresh ?? dashboard.refreshSeconds };
}
