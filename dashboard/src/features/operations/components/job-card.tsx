import { useId } from 'react';
import { formatUtc } from '@/lib/format';
import type { Job, Operator } from '../api/get-operations';
import {
  BACKPRESSURE_LABEL, backpressureLevel, formatBytes, formatDuration, formatNumber, formatPercent, jobStatusTone,
} from '../lib/format';

/** The states in which the server reads a job's details (checkpoints, restarts, operators). */
const LIVE = new Set(['RUNNING', 'RESTARTING', 'CREATED']);

/** One Flink job: its state, uptime, restarts and checkpoints, and a table of its operators. */
export function JobCard({ job }: { job: Job }) {
  const headingId = useId();
  const checkpoint = job.lastCheckpoint;
  return (
    <section className="ops-card" aria-labelledby={headingId}>
      <div className="ops-card-head">
        <h3 id={headingId}>{job.name}</h3>
        <span className={`badge tone-${jobStatusTone(job.status)}`} title="Job status">{job.status}</span>
      </div>
      <dl className="ops-facts">
        <div><dt>Started</dt><dd><time dateTime={job.startedAt}>{formatUtc(job.startedAt, 'seconds')}</time></dd></div>
        {LIVE.has(job.status) ? (
          <>
            <div><dt>Uptime</dt><dd>{job.status === 'RUNNING' ? formatDuration(job.uptimeMillis) : 'not running'}</dd></div>
            <div><dt>Restarts</dt><dd>{formatNumber(job.restarts)}</dd></div>
            <div>
              <dt>Last checkpoint</dt>
              <dd>{checkpoint
                ? `${formatDuration(checkpoint.ageMillis)} ago, took ${formatDuration(checkpoint.durationMillis)}, ${formatBytes(checkpoint.sizeBytes)}`
                : 'none yet'}</dd>
            </div>
            <div><dt>Failed checkpoints</dt><dd>{formatNumber(job.failedCheckpoints)}</dd></div>
          </>
        ) : (
          <div><dt>Details</dt><dd className="muted">read only while a job runs</dd></div>
        )}
      </dl>
      {job.operators.length > 0 && <OperatorsTable job={job.name} operators={job.operators} />}
    </section>
  );
}

function OperatorsTable({ job, operators }: { job: string; operators: Operator[] }) {
  const captionId = useId();
  return (
    <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="ops-table">
        <caption id={captionId}>Operators <span className="visually-hidden">of {job}</span></caption>
        <thead>
          <tr>
            <th scope="col">Operator</th>
            <th scope="col" className="num">Parallelism</th>
            <th scope="col">Backpressure</th>
            <th scope="col" className="num">Busy</th>
            <th scope="col" className="num">Records in/s</th>
            <th scope="col" className="num">Records out/s</th>
            <th scope="col" className="num">Watermark lag</th>
          </tr>
        </thead>
        <tbody>
          {operators.map((operator) => {
            const level = backpressureLevel(operator.backpressure);
            return (
              <tr key={operator.id}>
                <th scope="row">{operator.name}</th>
                <td className="num">{operator.parallelism}</td>
                <td>
                  <span className="percent">{formatPercent(operator.backpressure)}</span>{' '}
                  <span className={`level level-${level}`}>{BACKPRESSURE_LABEL[level]}</span>
                </td>
                <td className="num">{formatPercent(operator.busy)}</td>
                <td className="num">{formatNumber(operator.recordsInPerSecond)}</td>
                <td className="num">{formatNumber(operator.recordsOutPerSecond)}</td>
                <td className="num">
                  {operator.watermarkLagMillis === null || operator.watermarkLagMillis === undefined
                    ? <span className="muted">none</span>
                    : formatDuration(operator.watermarkLagMillis)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
