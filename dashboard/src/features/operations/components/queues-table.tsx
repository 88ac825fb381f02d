import { useId } from 'react';
import type { Queue } from '../api/get-operations';
import { formatNumber } from '../lib/format';

/** The event queues: their depth, rates and consumers; a queue nobody consumes is marked in words. */
export function QueuesTable({ queues }: { queues: Queue[] }) {
  const captionId = useId();
  return (
    <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="ops-table">
        <caption id={captionId}>Queue depth, rates and consumers</caption>
        <colgroup><col /></colgroup>
        <colgroup span={3} />
        <colgroup><col /><col /><col /></colgroup>
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>Queue</th>
            <th scope="colgroup" colSpan={3} className="group">Depth</th>
            <th scope="col" rowSpan={2} className="num">Publish/s</th>
            <th scope="col" rowSpan={2} className="num">Deliver/s</th>
            <th scope="col" rowSpan={2} className="num">Consumers</th>
          </tr>
          <tr>
            <th scope="col" className="num">Messages</th>
            <th scope="col" className="num">Ready</th>
            <th scope="col" className="num">Unacked</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((queue) => (
            <tr key={queue.name} className={queue.consumers === 0 ? 'row-warn' : undefined}>
              <th scope="row">{queue.name}</th>
              <td className="num">{formatNumber(queue.messages)}</td>
              <td className="num">{formatNumber(queue.ready)}</td>
              <td className="num">{formatNumber(queue.unacknowledged)}</td>
              <td className="num">{formatNumber(queue.publishRate)}</td>
              <td className="num">{formatNumber(queue.deliverRate)}</td>
              <td className="num">
                {queue.consumers === 0
                  ? <span className="level level-warn">0: no consumer</span>
                  : queue.consumers}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
