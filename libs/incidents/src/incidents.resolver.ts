import { Args, Field, ID, InputType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { ConnectionType, PageArgs } from '#lib/common';
import { CurrentPrincipal, type Principal } from '#lib/tenancy';
import { IncidentEvent } from './incident-event.entity.js';
import { Incident, IncidentStatus } from './incident.entity.js';
import { IncidentsService } from './incidents.service.js';

const IncidentConnection = ConnectionType(Incident, 'Incident');
const idMessage = { message: 'must be an id returned by this API' };

@InputType()
export class IncidentFilterInput {
  @Field(() => IncidentStatus, { nullable: true }) @IsOptional() @IsEnum(IncidentStatus) status?: IncidentStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) monitorId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) hostId?: string;
}

@Resolver(() => Incident)
export class IncidentsResolver {
  constructor(private readonly incidents: IncidentsService) {}

  @Query(() => IncidentConnection, { name: 'incidents', description: 'Newest first' })
  list(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs, @Args('filter', { nullable: true }) filter?: IncidentFilterInput) {
    return this.incidents.list(principal, page, filter);
  }

  @Query(() => Incident)
  incident(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Incident> {
    return this.incidents.scope.get(principal, id);
  }

  @ResolveField(() => String, { description: 'What it is about: "host · service · monitor"' })
  subject(@Parent() incident: Incident): Promise<string> {
    return this.incidents.subjectOf(incident);
  }

  @ResolveField(() => [IncidentEvent])
  timeline(@Parent() incident: Incident): Promise<IncidentEvent[]> {
    return this.incidents.timeline(incident);
  }
}
