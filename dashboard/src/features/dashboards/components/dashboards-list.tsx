import { useState } from 'react';
import { useCreateDashboard } from '../api/create-dashboard';
import { useDashboards } from '../api/get-dashboards';

/** The tenant's dashboards; an editor can create one. */
export function DashboardsList({ canEdit, onOpen }: { canEdit: boolean; onOpen: (id: string) => void }) {
  const dashboards = useDashboards();
  const create = useCreateDashboard();
  const [name, setName] = useState('');
  return (
    <main className="page">
      <h1>Dashboards</h1>
      {canEdit && (
        <form className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate(name.trim(), { onSuccess: (created) => onOpen(created.id!) });
        }}>
          <label htmlFor="new-dashboard">New dashboard</label>
          <input id="new-dashboard" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="Name" required />
          <button type="submit" className="button" disabled={create.isPending}>Create</button>
          {create.error && <span className="error" role="alert">{create.error.message}</span>}
        </form>
      )}
      {dashboards.isPending && <p role="status">Loading dashboards…</p>}
      {dashboards.error && <p className="error" role="alert">Could not load the dashboards: {dashboards.error.message}</p>}
      {dashboards.data?.length === 0 && <p>No dashboards yet{canEdit ? ': create the first one above.' : '.'}</p>}
      <ul className="dashboard-list">
        {dashboards.data?.map((d) => (
          <li key={d.id}>
            <a href={`?dashboard=${d.id}`} onClick={(e) => {
              e.preventDefault();
              onOpen(d.id!);
            }}>{d.name}</a>
            <span className="muted small"> {d.widgets.length} widget{d.widgets.length === 1 ? '' : 's'}</span>
          </li>
        ))}
      </ul>
    </main>
  );
}
