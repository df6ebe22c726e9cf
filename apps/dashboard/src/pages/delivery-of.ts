import { useEffect, useState } from 'react';
import { useClient } from 'urql';

export interface DeliveryState {
  status: string;
  lastError: string | null;
}

const QUERY = 'query Delivery($id: ID!) { notification(id: $id) { status lastError } }';
const SETTLED = new Set(['sent', 'failed', 'dead', 'cancelled']);

/**
 * Follows one notification (a channel test) every second until it is delivered or failed, for at most a minute:
 * "Send a test" then says what happened instead of nothing. `onSettled` runs once when it is.
 */
export function useDeliveryOf(notificationId: string | undefined, onSettled?: () => void): DeliveryState | undefined {
  const client = useClient();
  const [state, setState] = useState<DeliveryState | undefined>();
  useEffect(() => {
    setState(undefined);
    if (!notificationId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = Date.now() + 60_000;
    const poll = async () => {
      const res = await client.query<{ notification: DeliveryState | null }>(QUERY, { id: notificationId }, { requestPolicy: 'network-only' }).toPromise();
      if (stopped) return;
      const n = res.data?.notification;
      if (n) setState(n);
      if (n && SETTLED.has(n.status)) return onSettled?.();
      if (Date.now() < deadline) timer = setTimeout(() => void poll(), 1000);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // onSettled is a callback of the caller's render: following restarts only for another notification.
  }, [notificationId, client]);
  return state;
}
