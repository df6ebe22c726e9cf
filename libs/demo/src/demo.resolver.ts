import { Args, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { VigiaException } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role, TenantPeople } from '#lib/tenancy';
import { DemoService } from './demo.service.js';

@ObjectType('DemoServer', { description: 'One of the demo company\'s servers, run by Vigia on 127.0.0.1' })
class DemoServerType {
  @Field({ description: 'web-a, web-b, front or mail' }) name: string;
  @Field(() => Int, { nullable: true }) port: number | null;
  @Field() running: boolean;
  @Field(() => String, { nullable: true }) url: string | null;
}

@ObjectType('Demo', { description: 'The live demo company of the first start: its servers and what to watch' })
class DemoType {
  @Field() installedAt: Date;
  @Field(() => [DemoServerType]) servers: DemoServerType[];
  @Field({ description: 'The web server the front proxy forwards to now' }) frontUpstream: string;
  @Field(() => ID, { nullable: true, description: 'The failover unit over web-a and web-b' }) resourceId: string | null;
  @Field(() => [ID]) monitorIds: string[];
  @Field(() => String, { nullable: true, description: 'address:port of this machine\'s MySQL/MariaDB the demo watches (VIGIA_DEMO_MYSQL_URL at install), or null; not run, stopped or changed by Vigia' })
  mysqlTarget: string | null;
}

/**
 * The demo's controls: its state, stop and start one of its servers (watch the outage, the failover and the
 * recovery), and remove it. Owners and admins act; everyone in the tenant sees it.
 */
@Resolver()
export class DemoResolver {
  constructor(
    private readonly demo: DemoService,
    private readonly people: TenantPeople,
  ) {}

  @Query(() => DemoType, { nullable: true, description: 'The live demo in this tenant, or null' })
  demoCompany(@CurrentPrincipal() principal: Principal) {
    return this.demo.status(principal.tenantId);
  }

  @Mutation(() => DemoType, { description: 'Stops one demo server (web-a, web-b, front, mail): its port refuses until started again' })
  @RequireRole(Role.admin)
  async stopDemoServer(@CurrentPrincipal() principal: Principal, @Args('name') name: string) {
    return this.demo.stopServer(principal.tenantId, name);
  }

  @Mutation(() => DemoType, { description: 'Starts a stopped demo server again, on its port' })
  @RequireRole(Role.admin)
  async startDemoServer(@CurrentPrincipal() principal: Principal, @Args('name') name: string) {
    return this.demo.startServer(principal.tenantId, name);
  }

  @Mutation(() => Boolean, { description: 'Removes the demo: its inventory, failover unit, runbook, alerting and history, the mail catcher\'s mails; stops its servers. The tenant and its users stay.' })
  @RequireRole(Role.admin)
  async removeDemo(@CurrentPrincipal() principal: Principal) {
    // Purging history is the owner's right: the removal acts with the tenant owner's authority, asked by an admin.
    const owner = await this.people.firstActiveOwner(principal.tenantId);
    if (!owner) throw new VigiaException('CONFLICT', 'the tenant has no active owner to remove the demo with');
    await this.demo.remove(principal.tenantId, owner, this.demo.selfUrl());
    return true;
  }
}
