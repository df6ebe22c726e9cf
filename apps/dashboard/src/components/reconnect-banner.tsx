import { useSyncExternalStore } from 'react';
import { connection } from '../api/connection.js';

export function useConnection() {
  return useSyncExternalStore(connection.subscribe, connection.get);
}

/** Says, in words and at once, that what is on screen may be stale; disappears when the live feed is back. */
export function ReconnectBanner() {
  const { state } = useConnection();
  if (state !== 'reconnecting') return null;
  return (
    <div className="banner banner-warning" role="alert" data-testid="reconnecting">
      Connection to Vigia lost — reconnecting… Live updates are paused; what you see may be out of date.
    </div>
  );
}
