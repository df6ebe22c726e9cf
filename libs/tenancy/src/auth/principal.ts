import type { Role } from '../entities/role.js';

/** Who is calling: every query and mutation is scoped to `tenantId`, the only tenant this caller can see. */
export interface Principal {
  tenantId: string;
  role: Role;
  kind: 'session' | 'token';
  userId?: string;
  tokenId?: string;
  /** For an API token: the user who created it. The token's role never exceeds theirs, and dies with them. */
  creatorId?: string;
}
