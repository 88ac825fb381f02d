import { useId } from 'react';
import type { Plan } from '../api/jobs';

const FATE: Record<string, string> = {
  restored: 'restored from the savepoint',
  'starts-empty': 'starts empty',
  dropped: 'dropped',
};

/** What an upgrade does to each stateful operator's state; null: nothing runs, so everything starts empty. */
export function PlanTable({ plan, caption }: { plan: Plan | null; caption: string }) {
  const captionId = useId();
  if (!plan) return <p>Nothing of this rollup runs or was stopped with a savepoint: every operator starts empty.</p>;
  return (
    <>
      <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table className="ops-table">
          <caption id={captionId}>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Operator</th>
              <th scope="col">State</th>
              <th scope="col">Uid</th>
            </tr>
          </thead>
          <tbody>
            {plan.steps.map((step) => (
              <tr key={step.operator} className={step.fate === 'restored' ? undefined : 'row-warn'}>
                <th scope="row">{step.operator}</th>
                <td>{FATE[step.fate] ?? step.fate}</td>
                <td><code>{step.toUid ?? step.fromUid}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.dropsState && <p className="notice error">The savepoint holds state the new version does not take: it is dropped.</p>}
    </>
  );
}
