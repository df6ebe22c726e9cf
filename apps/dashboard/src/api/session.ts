/** The signed-in operator: the token from `login`, kept in localStorage so a reload stays signed in. */
export type Role = 'viewer' | 'operator' | 'admin' | 'owner';

export interface Session {
  token: string;
  expiresAt: string;
  tenant: string;
  tenantName: string;
  email: string;
  role: Role;
}

const KEY = 'vigia.session';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2, owner: 3 };
type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return new Date(session.expiresAt).getTime() > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the role may do what needs `needed` (the API checks again; this only hides buttons that would fail). */
export function can(session: Session | null, needed: Role): boolean {
  return !!session && RANK[session.role] >= RANK[needed];
}
