import { useEffect } from 'react';
import { type AnyVariables, useSubscription } from 'urql';
import { useConnection } from '../components/reconnect-banner.js';

/**
 * Reads a page's data again whenever `subscription` delivers an event, and after every reconnection of the live
 * socket (events sent while it was down are not replayed).
 */
export function useLiveRefetch(subscription: string, refetch: (opts: { requestPolicy: 'network-only' }) => void, variables?: AnyVariables, pause = false): void {
  const { reconnections } = useConnection();
  useEffect(() => {
    if (reconnections) refetch({ requestPolicy: 'network-only' });
  }, [reconnections, refetch]);
  useSubscription({ query: subscription, variables, pause }, (_previous, event: unknown) => {
    refetch({ requestPolicy: 'network-only' });
    return event;
  });
}
