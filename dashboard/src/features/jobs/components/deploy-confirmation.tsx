import { useEffect, useId, useRef } from 'react';
import type { DeployPlan } from '../api/jobs';
import { PlanTable } from './plan-table';

/**
 * Shown before a deployment runs: which cluster, and what happens to each operator's state. A plan that
 * restores everything deploys as it stands; one that starts state empty or drops some says so first.
 */
export function DeployConfirmation({ plan, busy, onConfirm, onCancel }: {
  plan: DeployPlan; busy: boolean; onConfirm: () => void; onCancel: () => void;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const losesState = plan.plan !== null && !plan.plan.fullyRestored;
  return (
    <section className="editor-panel confirm" aria-labelledby={headingId}>
      <h3 id={headingId} ref={heading} tabIndex={-1}>Deploy {plan.name} version {plan.version}?</h3>
      <p>On the Flink cluster <code>{plan.cluster}</code>.{' '}
        {plan.plan === null ? 'It starts empty and reads events from now on.'
          : 'The running job stops with a savepoint and this version starts from it.'}</p>
      <PlanTable plan={plan.plan} caption={`Upgrade plan of ${plan.name} to version ${plan.version}`} />
      {losesState && <p className="notice error">Some state starts empty: those windows count only events from the upgrade on.</p>}
      <div className="form-actions">
        <button type="button" className="button primary" disabled={busy} onClick={onConfirm}>
          {busy ? 'Deploying…' : `Deploy version ${plan.version}`}
        </button>
        <button type="button" className="button subtle" disabled={busy} onClick={onCancel}>Cancel</button>
      </div>
    </section>
  );
}
