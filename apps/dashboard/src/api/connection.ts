/**
 * The live connection's state, for the reconnecting banner, and a counter of reconnections: a page that shows live
 * data refetches when it changes, because events sent while the socket was down are not replayed.
 */
export type LinkState = 'connecting' | 'online' | 'reconnecting';

export interface ConnectionSnapshot {
  state: LinkState;
  reconnections: number;
  since: number;
}

type Listener = () => void;
let snapshot: ConnectionSnapshot = { state: 'connecting', reconnections: 0, since: Date.now() };
let everConnected = false;
const listeners = new Set<Listener>();

function set(next: Partial<ConnectionSnapshot>): void {
  snapshot = { ...snapshot, ...next };
  for (const listener of listeners) listener();
}

export const connection = {
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: (): ConnectionSnapshot => snapshot,
  connected(): void {
    set({ state: 'online', since: Date.now(), reconnections: snapshot.reconnections + (everConnected ? 1 : 0) });
    everConnected = true;
  },
  lost(): void {
    if (snapshot.state !== 'reconnecting') set({ state: everConnected ? 'reconnecting' : 'connecting', since: Date.now() });
  },
  reset(): void {
    everConnected = false;
    set({ state: 'connecting', reconnections: 0, since: Date.now() });
  },
};
