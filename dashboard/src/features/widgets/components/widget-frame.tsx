import type { ReactNode } from 'react';

export type WidgetState = { kind: 'loading' } | { kind: 'error'; message: string; retry?: () => void } | { kind: 'empty' } | { kind: 'ready' };

/** A widget's card: its title, its actions, and the chart or the state it is in. */
export function WidgetFrame({ title, state, actions, footer, children }: {
  title: string; state: WidgetState; actions?: ReactNode; footer?: ReactNode; children: ReactNode;
}) {
  return (
    <section className="widget-card" aria-label={title}>
      <header className="widget-header">
        <h2 className="widget-title">{title}</h2>
        <div className="widget-actions">{actions}</div>
      </header>
      <div className="widget-body" aria-busy={state.kind === 'loading'}>
        {state.kind === 'loading' && <div className="widget-state" role="status">Loading…</div>}
        {state.kind === 'empty' && <div className="widget-state">No data in this time range</div>}
        {state.kind === 'error' && (
          <div className="widget-state error" role="alert">
            <span>Could not load: {state.message}</span>
            {state.retry && <button type="button" className="button subtle" onClick={state.retry}>Retry</button>}
          </div>
        )}
        {state.kind === 'ready' && children}
      </div>
      {footer && <footer className="widget-footer">{footer}</footer>}
    </section>
  );
}
