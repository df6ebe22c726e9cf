import { Args, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { VigiaException } from '#lib/common';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { Role } from '../entities/role.js';

@ObjectType('AuditEntry', { description: 'A successful change made through the API: who, what (the mutation), on which object, when.' })
export class AuditEntryView {
  @Field(() => ID) id: string;
  @Field({ description: "The user's e-mail or the API token's name." }) actor: string;
  @Field({ description: 'The mutation, e.g. updateMonitor.' }) action: string;
  @Field(() => ID, { nullable: true, description: 'Its id argument, or the id of what a create returned.' }) objectId: string | null;
  @Field() at: Date;
}

@Resolver(() => AuditEntryView)
export class AuditResolver {
  constructor(private readonly trail: AuditTrail) {}

  @RequireRole(Role.admin)
  @Query(() => [AuditEntryView], { description: "The tenant's audit trail, newest first (admins)." })
  auditLog(
    @CurrentPrincipal() principal: Principal,
    @Args('objectId', { type: () => ID, nullable: true }) objectId?: string,
    @Args('first', { type: () => Int, defaultValue: 50 }) first = 50,
  ): Promise<AuditEntryView[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw VigiaException.invalid('first', 'must be a whole number from 1 to 500');
    return this.trail.recent(principal.tenantId, { objectId, limit: first });
  }
}
