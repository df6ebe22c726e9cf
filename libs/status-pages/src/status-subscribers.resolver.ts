import { Args, Field, ID, InputType, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { type Connection, ConnectionType, PageArgs, QUERY_COST } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { StatusSubscriber } from './status-subscriber.entity.js';
import { StatusSubscribersService } from './status-subscribers.service.js';

const StatusSubscriberConnection = ConnectionType(StatusSubscriber, 'StatusSubscriber');

@InputType()
export class StatusWebhookSubscriberInput {
  @Field({ description: 'An http(s) URL, reached through the egress policy' }) @IsString() @MaxLength(2048) url: string;
  @Field({ description: 'Signs each body: X-Vigia-Signature: sha256=HMAC(secret, "<X-Vigia-Timestamp>.<body>"); 16 to 512 characters' })
  @IsString() @MaxLength(512) secret: string;
  @Field(() => [ID], { nullable: true, description: 'Components of the page it hears about; none or absent: all' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @IsUUID('all', { each: true, message: 'must be ids returned by this API' }) componentIds?: string[];
}

/** The operators' side of subscribers: the tenant's data, so admins list, export and delete them (on request). */
@Resolver(() => StatusSubscriber)
export class StatusSubscribersResolver {
  constructor(private readonly subscribers: StatusSubscribersService) {}

  @RequireRole(Role.admin)
  @Query(() => StatusSubscriberConnection, { description: 'Subscribers of a page (e-mail, confirmed or not, and webhooks), by address' })
  statusSubscribers(@CurrentPrincipal() principal: Principal, @Args('pageId', { type: () => ID }) pageId: string, @Args() page: PageArgs): Promise<Connection<StatusSubscriber>> {
    return this.subscribers.list(principal, pageId, page);
  }

  @RequireRole(Role.admin)
  // Every row of the page at once: priced like a report, so aliases cannot multiply it.
  @Query(() => String, { description: 'Every subscriber of a page as CSV: id, kind, address, confirmed_at, created_at', complexity: QUERY_COST.report })
  statusSubscribersCsv(@CurrentPrincipal() principal: Principal, @Args('pageId', { type: () => ID }) pageId: string): Promise<string> {
    return this.subscribers.csv(principal, pageId);
  }

  @ResolveField(() => Int, { description: 'Notifications held back by the per-subscriber hourly sending limit and not sent yet (they go out as the hour frees sends)' })
  async heldNotifications(@Parent() subscriber: StatusSubscriber): Promise<number> {
    return (await this.subscribers.rateCounts(subscriber)).held;
  }

  @ResolveField(() => Int, { description: 'Held post updates never sent because a newer held update of the same post went out instead (coalesced)' })
  async coalescedNotifications(@Parent() subscriber: StatusSubscriber): Promise<number> {
    return (await this.subscribers.rateCounts(subscriber)).coalesced;
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean, { description: 'Removes a subscriber and everything queued for it' })
  deleteStatusSubscriber(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.subscribers.delete(principal, id);
  }

  @RequireRole(Role.admin)
  @Mutation(() => StatusSubscriber, { description: 'Changes the components a subscriber (a webhook, or an e-mail address) hears about; none: all' })
  updateStatusSubscriberComponents(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('componentIds', { type: () => [ID], description: 'Components of the subscriber’s page; empty: all' }) componentIds: string[],
  ): Promise<StatusSubscriber> {
    return this.subscribers.setComponents(principal, id, componentIds);
  }

  @RequireRole(Role.admin)
  @Mutation(() => StatusSubscriber, { description: 'A webhook told of the page’s published post updates and maintenance notices (signed JSON POST)' })
  addStatusWebhookSubscriber(@CurrentPrincipal() principal: Principal, @Args('pageId', { type: () => ID }) pageId: string, @Args('input') input: StatusWebhookSubscriberInput): Promise<StatusSubscriber> {
    return this.subscribers.addWebhook(principal, pageId, input);
  }
}
