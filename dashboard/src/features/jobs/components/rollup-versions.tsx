import { useId, useState } from 'react';
import { formatUtc } from '@/lib/format';
import { useDiff, useHistory } from '../api/jobs';
import { PlanTable } from './plan-table';

/** A rollup's stored versions, newest first, and the changes between two of them with the upgrade plan. */
export function RollupVersions({ name }: { name: string }) {
  const history = useHistory(name);
  const versions = history.data ?? [];
  const newest = versions[0]?.version ?? 1;
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const shownFrom = from ?? Math.max(1, newest - 1);
  const shownTo = to ?? newest;
  const fromId = useId();
  const toId = useId();

  if (history.isPending) return <p role="status">Loading the versions of {name}…</p>;
  if (history.error) return <p className="notice error" role="alert">Could not read the versions of {name}: {history.error.message}</p>;
  return (
    <div className="rollup-versions">
      <ol className="version-list" reversed aria-label={`Versions of ${name}`}>
        {versions.map((v) => (
          <li key={v.version}>
            <strong>version {v.version}</strong> by {v.createdBy}, <time dateTime={v.createdAt}>{formatUtc(v.createdAt)}</time>
          </li>
        ))}
      </ol>
      {versions.length > 1 && (
        <>
          <div className="inline-form">
            <label htmlFor={fromId}>Compare version</label>
            <select id={fromId} value={shownFrom} onChange={(e) => setFrom(Number(e.target.value))}>
              {versions.map((v) => <option key={v.version} value={v.version}>{v.version}</option>)}
            </select>
            <label htmlFor={toId}>with</label>
            <select id={toId} value={shownTo} onChange={(e) => setTo(Number(e.target.value))}>
              {versions.map((v) => <option key={v.version} value={v.version}>{v.version}</option>)}
            </select>
          </div>
          {shownFrom === shownTo ? <p className="muted">Pick two different versions.</p>
            : <VersionDiff name={name} from={shownFrom} to={shownTo} />}
        </>
      )}
    </div>
  );
}

function VersionDiff({ name, from, to }: { name: string; from: number; to: number }) {
  const diff = useDiff(name, from, to);
  const captionId = useId();
  if (diff.isPending) return <p role="status">Comparing…</p>;
  if (diff.error) return <p className="notice error" role="alert">Could not compare: {diff.error.message}</p>;
  return (
    <>
      <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table className="ops-table">
          <caption id={captionId}>Changes from version {from} to {to}</caption>
          <thead>
            <tr><th scope="col">Field</th><th scope="col">Version {from}</th><th scope="col">Version {to}</th></tr>
          </thead>
          <tbody>
            {diff.data.changes.length === 0 && <tr><td colSpan={3} className="muted">No field differs.</td></tr>}
            {diff.data.changes.map((change) => (
              <tr key={change.path}>
                <th scope="row"><code>{change.path}</code></th>
                <td><code>{change.before ?? 'absent'}</code></td>
                <td><code>{change.after ?? 'absent'}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PlanTable plan={diff.data.plan} caption={`Upgrade plan from version ${from} to ${to}`} />
    </>
  );
}
