import { useOnline } from '../hooks/use-online';

/** Says plainly when the app runs without a network: what is shown is the last data this browser kept. */
export function OfflineBanner({ forced = false }: { forced?: boolean }) {
  const online = useOnline();
  if (online && !forced) return null;
  return (
    <div className="offline-banner" role="alert">
      You are offline. Showing the last data this browser saved; live updates resume when the connection returns.
    </div>
  );
}
