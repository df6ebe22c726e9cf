import { Args, Field, ID, InputType, Int, Mutation, Resolver } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID } from 'class-validator';
import { QUERY_COST } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { BulkService } from '../bulk.service.js';

@InputType({ description: 'What a bulk action changes on every selected host' })
export class BulkHostChangeInput {
  // The tags' own rule is the bulk service's, which names the tag at fault.
  @Field(() => [String], { nullable: true, description: 'Tags added to each (kept once)' }) @IsOptional() @IsArray() @ArrayMaxSize(32) @IsString({ each: true }) addTags?: string[];
  @Field(() => [String], { nullable: true, description: 'Tags taken off each' }) @IsOptional() @IsArray() @ArrayMaxSize(32) @IsString({ each: true }) removeTags?: string[];
  @Field(() => ID, { nullable: true, description: 'Moves them to this site; null takes them out of their site; omitted leaves it' })
  @IsOptional() @IsUUID('all', { message: 'must be an id returned by this API' }) siteId?: string | null;
}

/** Actions on a selection (the dashboard's checkboxes): all or nothing, at most 1,000 objects. */
@Resolver()
export class BulkResolver {
  constructor(private readonly bulk: BulkService) {}

  @RequireRole(Role.operator)
  @Mutation(() => Int, { description: 'Pauses (enabled: false) or resumes monitors; how many', complexity: QUERY_COST.bulk })
  setMonitorsEnabled(@CurrentPrincipal() principal: Principal, @Args('ids', { type: () => [ID] }) ids: string[], @Args('enabled') enabled: boolean): Promise<number> {
    return this.bulk.setMonitorsEnabled(principal, ids, enabled);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Int, { description: 'Deletes monitors as deleteMonitor does (history kept), at one instant; how many', complexity: QUERY_COST.bulk })
  deleteMonitors(@CurrentPrincipal() principal: Principal, @Args('ids', { type: () => [ID] }) ids: string[]): Promise<number> {
    return this.bulk.deleteMonitors(principal, ids);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Int, { description: 'Adds or removes tags and moves hosts to a site; how many', complexity: QUERY_COST.bulk })
  updateHosts(@CurrentPrincipal() principal: Principal, @Args('ids', { type: () => [ID] }) ids: string[], @Args('input') input: BulkHostChangeInput): Promise<number> {
    return this.bulk.updateHosts(principal, ids, input);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Int, { description: 'Deletes hosts as deleteHost does (their services and monitors too, history kept), at one instant; how many', complexity: QUERY_COST.bulk })
  deleteHosts(@CurrentPrincipal() principal: Principal, @Args('ids', { type: () => [ID] }) ids: string[]): Promise<number> {
    return this.bulk.deleteHosts(principal, ids);
  }
}
