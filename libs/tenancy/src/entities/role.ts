import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  viewer = 'viewer',
  operator = 'operator',
  admin = 'admin',
  owner = 'owner',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'viewer reads; operator also changes inventory and acts on incidents; admin also manages users and tokens; owner also manages owners',
});

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** The lesser of two roles: what a token may do when its own role and its creator's current role disagree. */
export function minRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}
