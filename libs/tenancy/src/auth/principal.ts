import type { Role } from '../entities/role.js';

/** Who is calling: every query and mutation is scoped to `tenantId`, the only tenant this caller can see. */
export interface Principal {
  tenantId: string;
  role: Role;
  kind: 'session' | 'token';
  userId?: string;
  tokenId?: string;
}
