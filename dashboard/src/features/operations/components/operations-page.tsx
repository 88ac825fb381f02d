import { useId } from 'react';
import { ApiError } from '@/lib/api-client';
import { formatClock, formatLag } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { useOperations, type OperationsView, type Source } from '../api/get-operations';
import { JobCard } from './job-card';
import { QueuesTable } from './queues-table';

/**
 * For SREs: the platform's Flink jobs and RabbitMQ event queues, polled every 5 s while the tab is
 * visible. A source that did not answer says why, next to what the other one answered.
 */
export function OperationsPage() {
  const operations = useOperations();
  const denied = operations.error instanceof ApiError && operations.error.status === 403;
  return (
    <main className="page operations">
      <h1>Operations</h1>
      {operations.isPending && <p role="status">Loading the jobs and queues…</p>}
      {denied && (
        <p className="notice error" role="alert">
          Your role may not see the Operations page: it lacks the <code>jobs:read</code> permission (the ops and
          admin roles have it).
        </p>
      )}
      {operations.error && !denied && (
        <p className="notice error" role="alert">
          {operations.data ? 'Could not refresh the operations view' : 'Could not read the operations view'}
          : {operations.error.message}{operations.data ? '. Showing the last reading.' : ''}
        </p>
      )}
      {operations.data && !denied && <OperationsBody view={operations.data} />}
    </main>
  );
}

function OperationsBody({ view }: { view: OperationsView }) {
  const jobsId = useId();
  const queuesId = useId();
  return (
    <>
      <StatusLine view={view} />
      <section className="ops-section" aria-labelledby={jobsId}>
        <h2 id={jobsId}>Flink jobs</h2>
        {view.flink.available
          ? view.jobs.length === 0 && <p className="muted">No jobs on the Flink cluster.</p>
          : <SourceAlert name="Flink" source={view.flink} />}
        {view.jobs.map((job) => <JobCard key={job.id} job={job} />)}
      </section>
      <section className="ops-section" aria-labelledby={queuesId}>
        <h2 id={queuesId}>Event queues</h2>
        {view.rabbitmq.available
          ? view.queues.length === 0 && <p className="muted">No event queues on the broker.</p>
          : <SourceAlert name="RabbitMQ" source={view.rabbitmq} />}
        {view.queues.length > 0 && <QueuesTable queues={view.queues} />}
      </section>
    </>
  );
}

/** When the server read the sources (shared by every viewer for 2 s), and whether each answered. */
function StatusLine({ view }: { view: OperationsView }) {
  const now = useNow();
  const readAt = Date.parse(view.readAt);
  return (
    <ul className="ops-status" aria-label="Sources">
      <li>
        Read at <time dateTime={view.readAt}>{formatClock(readAt)} UTC</time>{' '}
        <span className="muted">(updated {formatLag(now - readAt)} ago)</span>
      </li>
      <SourceState name="Flink" source={view.flink} />
      <SourceState name="RabbitMQ" source={view.rabbitmq} />
    </ul>
  );
}

function SourceState({ name, source }: { name: string; source: Source }) {
  return (
    <li className={`source ${source.available ? 'up' : 'down'}`}>
      <span className="dot" aria-hidden="true" /> {name}: {source.available ? 'available' : 'unavailable'}
    </li>
  );
}

function SourceAlert({ name, source }: { name: string; source: Source }) {
  return (
    <p className="notice error" role="alert">
      {name} unavailable: {source.error ?? 'no reason given'}
    </p>
  );
}
