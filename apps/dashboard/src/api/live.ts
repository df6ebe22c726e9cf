import { useEffect } from 'react';
import { type AnyVariables, useSubscription } from 'urql';
import { useConnection } from '../components/reconnect-banner.js';

type Refetch = (opts: { requestPolicy: 'network-only' }) => void;

/** Reads a page's data again after every reconnection of the live socket: events sent while it was down are not replayed. */
export function useRefetchOnReconnect(refetch: Refetch): void {
  const { reconnections } = useConnection();
  useEffect(() => {
    if (reconnections) refetch({ requestPolicy: 'network-only' });
  }, [reconnections, refetch]);
}

/** Reads a page's data again whenever `subscription` delivers an event, and after every reconnection. */
export function useLiveRefetch(subscription: string, refetch: Refetch, variables?: AnyVariables, pause = false): void {
  useRefetchOnReconnect(refetch);
  useSubscription({ query: subscription, variables, pause }, (_previous, event: unknown) => {
    refetch({ requestPolicy: 'network-only' });
    return event;
  });
}
