import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CLOCK, type Clock, VigiaException } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { StatusPageAccess } from './status-page-access.js';
import { StatusComponent, StatusMaintenanceNotice, StatusPage, StatusPageVisibility, StatusPost, StatusPostUpdate } from './status-page.entity.js';
import { StatusPageInput, StatusPostInput, StatusPostUpdateInput } from './status-pages.types.js';
import { StatusPagesService } from './status-pages.service.js';

@Resolver(() => StatusPage)
export class StatusPagesResolver {
  constructor(
    private readonly pages: StatusPagesService,
    private readonly access: StatusPageAccess,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => [StatusPage], { description: "The tenant's status pages" })
  statusPages(@CurrentPrincipal() principal: Principal): Promise<StatusPage[]> {
    return this.pages.list(principal);
  }

  @Query(() => StatusPage)
  statusPage(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<StatusPage> {
    return this.pages.get(principal, id);
  }

  @ResolveField(() => [StatusComponent], { description: "The page's components in order; for a per-customer page, the customer's services now" })
  components(@Parent() page: StatusPage): Promise<StatusComponent[]> {
    return page.customerId ? this.pages.customerComponents(page) : this.pages.componentsOf(page.id);
  }

  @ResolveField(() => String, { description: 'Where the page is served: /status/<tenant slug>/<page slug> (or / on its custom domain)' })
  path(@Parent() page: StatusPage, @CurrentPrincipal() principal: Principal): Promise<string> {
    return this.pages.pathOf(principal, page);
  }

  @ResolveField(() => [StatusPost], { description: 'Posts, drafts included, newest first' })
  posts(@Parent() page: StatusPage, @CurrentPrincipal() principal: Principal): Promise<StatusPost[]> {
    return this.pages.postsOf(principal, page.id);
  }

  @RequireRole(Role.admin)
  @Mutation(() => StatusPage, { description: 'A status page with its components, saved whole or not at all' })
  createStatusPage(@CurrentPrincipal() principal: Principal, @Args('input') input: StatusPageInput): Promise<StatusPage> {
    return this.pages.create(principal, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => StatusPage, { description: 'Changes the given fields; components, when given, replace the list (a component kept, same subject, keeps its id: posts naming it still do)' })
  updateStatusPage(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: StatusPageInput): Promise<StatusPage> {
    return this.pages.update(principal, id, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean)
  deleteStatusPage(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.pages.delete(principal, id);
  }

  @RequireRole(Role.admin)
  @Mutation(() => [StatusPage], { description: 'A link-only page for every customer that has none: its services, nothing of any other customer' })
  generateCustomerStatusPages(@CurrentPrincipal() principal: Principal): Promise<StatusPage[]> {
    return this.pages.generateCustomerPages(principal);
  }

  @RequireRole(Role.operator)
  @Mutation(() => String, { description: 'A signed, expiring link to a link-only page, absolute (VIGIA_PUBLIC_URL): what a customer is sent. Void once the page’s visibility or password changes' })
  async statusPageLink(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('expiresInDays', { type: () => Int, defaultValue: 90 }) expiresInDays: number,
  ): Promise<string> {
    if (expiresInDays < 1 || expiresInDays > 400) throw VigiaException.invalid('expiresInDays', 'must be from 1 to 400');
    const page = await this.pages.get(principal, id);
    if (page.visibility !== StatusPageVisibility.link) throw VigiaException.invalid('id', 'is not a page with visibility link');
    const k = this.access.linkToken(page.id, page.authVersion, Math.floor(this.clock.now().getTime() / 1000) + expiresInDays * 86_400);
    return `${this.config.publicUrl}${await this.pages.pathOf(principal, page)}?k=${k}`;
  }

  @Query(() => [StatusMaintenanceNotice], { description: 'The maintenance windows announced on the status pages, with the title and text shown' })
  statusMaintenanceNotices(@CurrentPrincipal() principal: Principal): Promise<StatusMaintenanceNotice[]> {
    return this.pages.maintenanceNotices(principal);
  }

  @RequireRole(Role.operator)
  @Mutation(() => StatusMaintenanceNotice, { description: 'Announce a maintenance window (opt-in per window) on the pages whose components it covers: upcoming, in progress, completed' })
  publishMaintenanceNotice(
    @CurrentPrincipal() principal: Principal,
    @Args('windowId', { type: () => ID }) windowId: string,
    @Args('title') title: string,
    @Args('body', { defaultValue: '' }) body: string,
  ): Promise<StatusMaintenanceNotice> {
    return this.pages.publishMaintenance(principal, windowId, title, body);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Boolean, { description: 'Stop announcing a maintenance window' })
  withdrawMaintenanceNotice(@CurrentPrincipal() principal: Principal, @Args('windowId', { type: () => ID }) windowId: string): Promise<boolean> {
    return this.pages.withdrawMaintenance(principal, windowId);
  }

  @RequireRole(Role.operator)
  @Mutation(() => StatusPost, { description: 'An incident post with its first update; a draft unless input.published' })
  createStatusPost(
    @CurrentPrincipal() principal: Principal,
    @Args('pageId', { type: () => ID }) pageId: string,
    @Args('input') input: StatusPostInput,
    @Args('update') update: StatusPostUpdateInput,
  ): Promise<StatusPost> {
    return this.pages.createPost(principal, pageId, input, update);
  }

  @RequireRole(Role.operator)
  @Mutation(() => StatusPost, { description: 'Edit a post’s title, components, or publish it' })
  updateStatusPost(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: StatusPostInput): Promise<StatusPost> {
    return this.pages.updatePost(principal, id, input);
  }

  @RequireRole(Role.operator)
  @Mutation(() => StatusPost, { description: 'A new update (Investigating → Identified → Monitoring → Resolved); history stays on the page' })
  addStatusPostUpdate(@CurrentPrincipal() principal: Principal, @Args('postId', { type: () => ID }) postId: string, @Args('input') input: StatusPostUpdateInput): Promise<StatusPost> {
    return this.pages.addPostUpdate(principal, postId, input);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Boolean)
  deleteStatusPost(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.pages.deletePost(principal, id);
  }
}

@Resolver(() => StatusPost)
export class StatusPostsResolver {
  constructor(private readonly pages: StatusPagesService) {}

  @ResolveField(() => [StatusPostUpdate], { description: 'Oldest first' })
  updates(@Parent() post: StatusPost): Promise<StatusPostUpdate[]> {
    return this.pages.updatesOf([post.id]);
  }
}
