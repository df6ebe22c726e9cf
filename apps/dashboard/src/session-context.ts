import { createContext, useContext } from 'react';
import { can, type Role, type Session } from './api/session.js';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Whether the signed-in role may do this; buttons it may not use are not drawn at all. */
export function useCan(role: Role): boolean {
  return can(useContext(SessionContext), role);
}
