import { useId, useState } from 'react';
import { jobStatusTone } from '@/features/operations/lib/format';
import { ApiError } from '@/lib/api-client';
import { formatUtc } from '@/lib/format';
import {
  getDeployPlan, useDeploy, useDeployments, useSpecs, useStop, type Deployment, type DeployPlan, type SpecVersion,
} from '../api/jobs';
import { DeployConfirmation } from './deploy-confirmation';
import { RollupVersions } from './rollup-versions';
import { SpecEditor } from './spec-editor';

/**
 * For data engineers: every rollup spec with its versions and the changes between them, which version
 * runs as which Flink job (its state polled every 5 s), and, with `jobs:manage`, storing a new version
 * and deploying one after confirming its upgrade plan.
 */
export function JobsPage({ canManage }: { canManage: boolean }) {
  const specs = useSpecs();
  const deployments = useDeployments();
  const denied = specs.error instanceof ApiError && specs.error.status === 403;
  const rollupsId = useId();
  const newId = useId();
  const running = new Map((deployments.data?.items ?? []).map((d) => [d.name, d]));
  return (
    <main className="page operations jobs">
      <h1>Jobs</h1>
      {denied && (
        <p className="notice error" role="alert">
          Your role may not see rollup jobs: it lacks the <code>jobs:read</code> permission (the ops and admin roles have it).
        </p>
      )}
      {!denied && (
        <>
          <p className="ops-status">
            Flink cluster: {deployments.data ? <code>{deployments.data.cluster ?? 'none configured'}</code> : '…'}
            {deployments.error && <span className="notice error" role="alert">Could not read the deployments: {deployments.error.message}</span>}
          </p>
          <section className="ops-section" aria-labelledby={rollupsId}>
            <h2 id={rollupsId}>Rollups</h2>
            {specs.isPending && <p role="status">Loading the rollup specs…</p>}
            {specs.error && <p className="notice error" role="alert">Could not read the rollup specs: {specs.error.message}</p>}
            {specs.data?.length === 0 && <p className="muted">No rollup spec is stored yet.</p>}
            {specs.data?.map((spec) => (
              <RollupCard key={spec.name} spec={spec} deployment={running.get(spec.name) ?? null} canManage={canManage} />
            ))}
          </section>
          {canManage && (
            <section className="ops-section" aria-labelledby={newId}>
              <h2 id={newId}>New rollup version</h2>
              <SpecEditor />
            </section>
          )}
        </>
      )}
    </main>
  );
}

const STOPPABLE = new Set(['RUNNING', 'RESTARTING', 'CREATED', 'INITIALIZING']);

function RollupCard({ spec, deployment, canManage }: { spec: SpecVersion; deployment: Deployment | null; canManage: boolean }) {
  const headingId = useId();
  const versionId = useId();
  const [version, setVersion] = useState(spec.version);
  const [plan, setPlan] = useState<DeployPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [stopping, setStopping] = useState(false);
  const [showVersions, setShowVersions] = useState(false); // read when opened
  const deploy = useDeploy();
  const stop = useStop();
  const versions = Array.from({ length: spec.version }, (_, i) => spec.version - i);

  const review = async () => {
    setPlanError(null);
    deploy.reset();
    try {
      setPlan(await getDeployPlan(spec.name, version));
    } catch (error) {
      setPlanError((error as Error).message);
    }
  };
  const confirm = () => {
    if (!plan) return;
    const needsConsent = plan.plan !== null && !plan.plan.fullyRestored;
    deploy.mutate({ name: spec.name, version: plan.version, confirm: needsConsent }, { onSettled: () => setPlan(null) });
  };

  return (
    <section className="ops-card" aria-labelledby={headingId}>
      <div className="ops-card-head">
        <h3 id={headingId}>{spec.name}</h3>
        <span className="muted">newest version {spec.version}</span>
        {deployment && (
          <span className={`badge tone-${deployment.state === 'STOPPED' ? 'neutral' : jobStatusTone(deployment.state)}`}
            title="Job status">{deployment.state}</span>
        )}
      </div>
      <dl className="ops-facts">
        {deployment ? (
          <>
            <div><dt>Deployed version</dt><dd>{deployment.version}</dd></div>
            <div><dt>Flink job</dt><dd><code>{deployment.jobId}</code></dd></div>
            <div><dt>Deployed</dt><dd>by {deployment.deployedBy}, <time dateTime={deployment.deployedAt}>{formatUtc(deployment.deployedAt)}</time></dd></div>
            {deployment.restoredFrom && <div><dt>Restored from</dt><dd><code>{deployment.restoredFrom}</code></dd></div>}
            {deployment.stoppedWith && <div><dt>Stopped with</dt><dd><code>{deployment.stoppedWith}</code></dd></div>}
          </>
        ) : <div><dt>Deployed version</dt><dd className="muted">not deployed</dd></div>}
      </dl>
      {canManage && (
        <div className="inline-form">
          <label htmlFor={versionId}>Version</label>
          <select id={versionId} value={version} onChange={(e) => { setVersion(Number(e.target.value)); setPlan(null); }}>
            {versions.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
          <button type="button" className="button" disabled={plan !== null || deploy.isPending} onClick={review}>Deploy…</button>
          {deployment && STOPPABLE.has(deployment.state) && (stopping ? (
            <>
              <span>Stop {spec.name} with a savepoint?</span>
              <button type="button" className="button danger" disabled={stop.isPending}
                onClick={() => stop.mutate(spec.name, { onSettled: () => setStopping(false) })}>Stop</button>
              <button type="button" className="button subtle" onClick={() => setStopping(false)}>Keep running</button>
            </>
          ) : <button type="button" className="button danger" onClick={() => { stop.reset(); setStopping(true); }}>Stop…</button>)}
        </div>
      )}
      <div aria-live="polite">
        {planError && <p className="notice error" role="alert">Could not plan the deployment: {planError}</p>}
        {deploy.isSuccess && (
          <p>Running: {spec.name} version {deploy.data.deployment.version} as job <code>{deploy.data.deployment.jobId}</code>
            {deploy.data.savepoint ? <>, restored from <code>{deploy.data.savepoint}</code></> : null}.</p>
        )}
        {deploy.error && <p className="notice error" role="alert">Not deployed: {deploy.error.message}</p>}
        {stop.isSuccess && <p>Stopped with savepoint <code>{stop.data.savepoint}</code>.</p>}
        {stop.error && <p className="notice error" role="alert">Not stopped: {stop.error.message}</p>}
      </div>
      {plan && <DeployConfirmation plan={plan} busy={deploy.isPending} onConfirm={confirm} onCancel={() => setPlan(null)} />}
      <details className="rollup-details" onToggle={(e) => setShowVersions(e.currentTarget.open)}>
        <summary>Versions and changes</summary>
        {showVersions && <RollupVersions name={spec.name} />}
      </details>
    </section>
  );
}
