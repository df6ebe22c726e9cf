import { type RefObject, useEffect, useRef, useState } from 'react';
import { type CombinedError, useQuery, useSubscription } from 'urql';
import { applyEvent, FLEET_QUERY, type FleetColumns, type FleetRow, fromColumns, indexRows, type StateEvent } from '../lib/fleet.js';
import { useRefetchOnReconnect } from './live.js';

const CHANGES = 'subscription FleetChanges { monitorStateChanged { monitorId to flapping at since reason } }';

interface FleetData {
  fleet: FleetColumns & { total: number; at: string };
}

export interface LiveFleet {
  rows: FleetRow[];
  /** Monitors in the tenant: more than `rows` when the fleet exceeds the API's limit. */
  total: number | undefined;
  fetching: boolean;
  error: CombinedError | undefined;
  /** monitor id → its place in `rows` as last loaded. */
  index: RefObject<Map<string, number>>;
  reload(): void;
}

/**
 * The whole fleet, live: loaded in one query, each confirmed change (`monitorStateChanged`) applied in place, read
 * again after a reconnection (events sent while the socket was down are not replayed). The Fleet and the wall share it.
 */
export function useLiveFleet(): LiveFleet {
  const [{ data, fetching, error }, refetch] = useQuery<FleetData>({ query: FLEET_QUERY, requestPolicy: 'network-only' });
  const [rows, setRows] = useState<FleetRow[]>([]);
  // Events replace rows in place and never reorder them: the index of a load serves every event until the next load.
  const index = useRef(new Map<string, number>());
  useEffect(() => {
    if (!data) return;
    const loaded = fromColumns(data.fleet);
    index.current = indexRows(loaded);
    setRows(loaded);
  }, [data]);
  useRefetchOnReconnect(refetch);
  useSubscription<{ monitorStateChanged: StateEvent }>({ query: CHANGES }, (_prev, event) => {
    setRows((current) => applyEvent(current, index.current, event.monitorStateChanged));
    return event;
  });
  return { rows, total: data?.fleet.total, fetching, error, index, reload: () => refetch({ requestPolicy: 'network-only' }) };
}
