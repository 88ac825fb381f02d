import { formatLag } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import type { Freshness } from '../api/get-freshness';
import { useConnectionStatus } from '../hooks/use-connection-status';

const STATE_LABEL = { open: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', closed: 'Not live' } as const;

/**
 * The live connection at a glance: its state, when data last arrived, and the tenant's data freshness
 * (how far its newest event time is behind now), with the late corrections merged so far.
 */
export function ConnectionStatusBar({ freshness }: { freshness: Freshness | undefined }) {
  const status = useConnectionStatus();
  const now = useNow();
  const lag = freshness?.eventTime ? now - Date.parse(freshness.eventTime) : null;
  return (
    <div className="status-bar" role="status" aria-live="polite">
      <span className={`connection ${status.state}`}>
        <span className="dot" aria-hidden="true" /> {STATE_LABEL[status.state]}
      </span>
      <span>Last update: {status.lastUpdate ? `${formatLag(now - status.lastUpdate)} ago` : 'none yet'}</span>
      <span title={freshness?.eventTime ? `Newest event time: ${freshness.eventTime}` : undefined}>
        Data freshness{freshness ? ` (${freshness.tenant})` : ''}: {lag === null ? 'no events yet' : `${formatLag(lag)} behind`}
      </span>
      {freshness && freshness.lateEvents > 0 && (
        <span className="muted">{freshness.lateEvents.toLocaleString('en-US')} late events merged</span>
      )}
    </div>
  );
}
