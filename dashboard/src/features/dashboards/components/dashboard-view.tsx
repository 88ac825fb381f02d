import { useState, type CSSProperties, type ReactNode } from 'react';
import { ApiError } from '@/lib/api-client';
import { useDeleteDashboard } from '../api/delete-dashboard';
import { useDashboard } from '../api/get-dashboard';
import type { Dashboard, Widget } from '../api/get-dashboards';
import { useUpdateDashboard } from '../api/update-dashboard';
import { moved, nextSlot, readingOrder, type Move } from '../lib/layout';
import { WidgetForm } from './widget-form';

interface Props {
  id: string;
  canEdit: boolean;
  toolbar: (dashboard: Dashboard) => ReactNode;
  actions: (dashboard: Dashboard) => ReactNode;
  renderWidget: (widget: Widget, dashboard: Dashboard) => ReactNode;
  onDeleted: () => void;
}

const MOVES: { move: Move; label: string; symbol: string }[] = [
  { move: 'left', label: 'Move left', symbol: '←' }, { move: 'right', label: 'Move right', symbol: '→' },
  { move: 'up', label: 'Move up', symbol: '↑' }, { move: 'down', label: 'Move down', symbol: '↓' },
  { move: 'narrower', label: 'Narrower', symbol: '⇤' }, { move: 'wider', label: 'Wider', symbol: '⇥' },
  { move: 'shorter', label: 'Shorter', symbol: '⤒' }, { move: 'taller', label: 'Taller', symbol: '⤓' },
];

/**
 * A dashboard: its widgets on a 12-column CSS grid. An editor works on a draft (rename, add, edit, move,
 * resize, remove widgets) and saves it against the version it started from; a save another tab made in
 * between is reported, never overwritten.
 */
export function DashboardView({ id, canEdit, toolbar, actions, renderWidget, onDeleted }: Props) {
  const dashboard = useDashboard(id);
  const update = useUpdateDashboard();
  const remove = useDeleteDashboard();
  const [draft, setDraft] = useState<Dashboard | null>(null);
  const [editing, setEditing] = useState<{ index: number; widget: Widget } | null>(null);

  if (dashboard.isPending) return <main className="page"><p role="status">Loading dashboard…</p></main>;
  if (dashboard.error) {
    const missing = dashboard.error instanceof ApiError && dashboard.error.status === 404;
    return <main className="page"><p className="error" role="alert">{missing ? 'This dashboard does not exist (or was deleted).' : `Could not load the dashboard: ${dashboard.error.message}`}</p></main>;
  }
  const shown = draft ?? dashboard.data;
  const conflict = update.error instanceof ApiError && (update.error.status === 409 || update.error.status === 412);
  const change = (widgets: Widget[]) => setDraft({ ...shown, widgets });

  return (
    <main className="page dashboard-page">
      <div className="dashboard-head">
        {draft ? (
          <label className="rename"><span className="visually-hidden">Dashboard name</span>
            <input value={draft.name} maxLength={200} onChange={(e) => setDraft({ ...draft, name: e.target.value })} aria-label="Dashboard name" />
          </label>
        ) : <h1 className="dashboard-title">{shown.name}</h1>}
        <div className="dashboard-actions">
          {!draft && actions(shown)}
          {canEdit && !draft && <button type="button" className="button" onClick={() => { update.reset(); setDraft(dashboard.data); }}>Edit</button>}
          {draft && (<>
            <button type="button" className="button" onClick={() => setEditing({ index: -1, widget: { type: 'line', title: 'New widget', query: {}, ...nextSlot(draft.widgets) } })}>Add widget</button>
            <button type="button" className="button primary" disabled={update.isPending || !draft.name.trim()}
              onClick={() => update.mutate(draft, { onSuccess: () => setDraft(null) })}>Save</button>
            <button type="button" className="button subtle" onClick={() => { setDraft(null); setEditing(null); update.reset(); }}>Cancel</button>
            <button type="button" className="button danger" onClick={() => {
              if (window.confirm(`Delete the dashboard "${draft.name}"? This cannot be undone.`)) remove.mutate(id, { onSuccess: onDeleted });
            }}>Delete dashboard</button>
          </>)}
        </div>
      </div>
      {conflict && (
        <div className="notice error" role="alert">
          This dashboard was saved elsewhere (another tab or person) after you started editing, so your changes were not saved.
          <button type="button" className="button subtle" onClick={() => { setDraft(null); update.reset(); void dashboard.refetch(); }}>Discard mine and load theirs</button>
        </div>
      )}
      {update.error && !conflict && <p className="error" role="alert">Could not save: {update.error.message}</p>}
      {remove.error && <p className="error" role="alert">Could not delete: {remove.error.message}</p>}
      {toolbar(shown)}
      {editing && (
        <div className="editor-panel">
          <h2>{editing.index < 0 ? 'Add widget' : `Edit “${editing.widget.title}”`}</h2>
          <WidgetForm initial={editing.widget} onCancel={() => setEditing(null)} onSubmit={(widget) => {
            change(editing.index < 0 ? [...shown.widgets, widget] : shown.widgets.map((w, i) => (i === editing.index ? widget : w)));
            setEditing(null);
          }} />
        </div>
      )}
      {shown.widgets.length === 0 && <p className="muted">This dashboard has no widgets yet{canEdit ? ': choose Edit, then Add widget.' : '.'}</p>}
      <div className="dashboard-grid">
        {readingOrder(shown.widgets).map((index) => [index, shown.widgets[index]!] as const).map(([index, widget]) => (
          <div key={`${index}:${widget.title}`} className="grid-cell"
            style={{ '--x': widget.x, '--y': widget.y, '--w': widget.w, '--h': widget.h } as CSSProperties}>
            {renderWidget(widget, shown)}
            {draft && (
              <div className="widget-edit-bar" role="group" aria-label={`Arrange ${widget.title}`}>
                {MOVES.map(({ move, label, symbol }) => (
                  <button key={move} type="button" className="icon-button" aria-label={`${label}: ${widget.title}`} title={label}
                    onClick={() => change(shown.widgets.map((w, i) => (i === index ? moved(w, move) : w)))}>{symbol}</button>
                ))}
                <button type="button" className="button subtle small" onClick={() => setEditing({ index, widget })}>Edit widget</button>
                <button type="button" className="button danger small" aria-label={`Remove ${widget.title}`}
                  onClick={() => change(shown.widgets.filter((_, i) => i !== index))}>Remove</button>
              </div>
            )}
          </div>
        ))}
      </div>
    </main>
  );
}
