import { useEffect } from 'react';
import { DashboardsList } from '@/features/dashboards/components/dashboards-list';
import { ConnectionStatusBar } from '@/features/live/components/connection-status';
import { useFreshness } from '@/features/live/api/get-freshness';
import { OfflineBanner } from '@/features/offline/components/offline-banner';
import { JobsPage } from '@/features/jobs/components/jobs-page';
import { OperationsPage } from '@/features/operations/components/operations-page';
import { useSession } from '@/features/session/api/get-session';
import { UserBadge } from '@/features/session/components/user-badge';
import { can } from '@/features/session/lib/permissions';
import { ThemeToggle } from '@/features/theme/components/theme-toggle';
import { useTheme } from '@/features/theme/lib/theme';
import { ApiError, takeReturnPath } from '@/lib/api-client';
import { PALETTES } from '@/lib/palette';
import { formatView, useViewState, type ViewState } from '@/lib/url-state';
import { DashboardPage } from './dashboard-page';

/** The signed-in app: header, live status, and the dashboards list, one dashboard, Operations or Jobs, as the address says. */
export function App() {
  const session = useSession();
  const { theme } = useTheme();
  const [view, setView] = useViewState();
  const freshness = useFreshness();

  useEffect(() => {
    const back = takeReturnPath(); // the view that needed the login
    if (back) window.history.replaceState(null, '', back);
  }, []);

  if (session.isPending) return <p className="splash" role="status">Loading Pulse…</p>;
  if (session.error) {
    const signingIn = session.error instanceof ApiError && session.error.status === 401;
    return (
      <>
        <OfflineBanner forced={!signingIn && !(session.error instanceof ApiError)} />
        <p className="splash" role={signingIn ? 'status' : 'alert'}>
          {signingIn ? 'Signing in…' : `Pulse cannot reach its server: ${session.error.message}`}
        </p>
      </>
    );
  }
  const eventTime = freshness.data?.eventTime ? Date.parse(freshness.data.eventTime) : null;
  const lagMs = freshness.data?.lagMillis ?? null;
  const open = (id: string | null) => setView({ page: 'dashboards', dashboard: id, range: null, refresh: null, filters: [] });
  const operations: ViewState = { page: 'operations', dashboard: null, range: null, refresh: null, filters: [] };
  const jobs: ViewState = { ...operations, page: 'jobs' };
  const onDashboards = view.page === 'dashboards';

  return (
    <>
      <a className="skip-link" href="#content">Skip to content</a>
      <header className="app-header">
        <a className="brand" href="/" onClick={(e) => { e.preventDefault(); open(null); }}>
          <img src="/icons/icon-192.png" alt="" width={24} height={24} /> Pulse
        </a>
        <nav aria-label="Main">
          <a href="/" onClick={(e) => { e.preventDefault(); open(null); }} aria-current={onDashboards && !view.dashboard ? 'page' : undefined}>Dashboards</a>
          {can(session.data, 'jobs:read') && (
            <a href={formatView(operations)} onClick={(e) => { e.preventDefault(); setView(operations); }}
              aria-current={view.page === 'operations' ? 'page' : undefined}>Operations</a>
          )}
          {can(session.data, 'jobs:read') && (
            <a href={formatView(jobs)} onClick={(e) => { e.preventDefault(); setView(jobs); }}
              aria-current={view.page === 'jobs' ? 'page' : undefined}>Jobs</a>
          )}
        </nav>
        <div className="header-end">
          <ThemeToggle />
          <UserBadge session={session.data} />
        </div>
      </header>
      {/* the freshness poll is never answered from the cache: failing at the network level, it means offline */}
      <OfflineBanner forced={freshness.isError && !(freshness.error instanceof ApiError)} />
      <ConnectionStatusBar freshness={freshness.data} />
      <div id="content">
        {view.page === 'operations' && <OperationsPage />}
        {view.page === 'jobs' && <JobsPage canManage={can(session.data, 'jobs:manage')} />}
        {onDashboards && (view.dashboard
          ? <DashboardPage key={view.dashboard} id={view.dashboard} view={view} setView={setView} session={session.data}
              palette={PALETTES[theme]} clock={{ eventTime, lagMs }} />
          : can(session.data, 'dashboards:read')
            ? <DashboardsList canEdit={can(session.data, 'dashboards:write')} onOpen={open} />
            : <NoDashboards />)}
      </div>
    </>
  );
}

/** The start page for a role without `dashboards:read` (ops): says so instead of asking the server in vain. */
function NoDashboards() {
  return (
    <main className="page">
      <h1>Dashboards</h1>
      <p>Your role may not read dashboards (it lacks the <code>dashboards:read</code> permission).</p>
    </main>
  );
}
