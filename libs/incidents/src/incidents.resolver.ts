import { Args, Field, ID, InputType, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { ConnectionType, PageArgs, VigiaException } from '#lib/common';
import { OutageSubjects } from '#lib/inventory';
import { ActorNames, CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
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
  constructor(
    private readonly incidents: IncidentsService,
    private readonly actors: ActorNames,
    private readonly subjects: OutageSubjects,
  ) {}

  @Query(() => IncidentConnection, { name: 'incidents', description: 'Newest first' })
  list(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs, @Args('filter', { nullable: true }) filter?: IncidentFilterInput) {
    return this.incidents.list(principal, page, filter);
  }

  @Query(() => Incident)
  incident(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Incident> {
    return this.incidents.scope.get(principal, id);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Incident, { description: 'Acknowledge an open incident: escalation stops, pagers are told, the timeline says who' })
  async acknowledgeIncident(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Incident> {
    const incident = await this.incidents.scope.get(principal, id);
    return (await this.incidents.acknowledge(principal.tenantId, incident.id, await this.actors.of(principal))) ?? incident;
  }

  @RequireRole(Role.operator)
  @Mutation(() => Incident, { description: 'Add a note to an incident\'s timeline (what was seen, what was done by hand); signed with who wrote it' })
  async addIncidentNote(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('text') text: string): Promise<Incident> {
    const note = text.trim();
    if (!note) throw VigiaException.invalid('text', 'must not be empty');
    if (note.length > 2000) throw VigiaException.invalid('text', 'must be at most 2000 characters');
    const incident = await this.incidents.scope.get(principal, id);
    await this.incidents.annotate(incident.tenantId, incident.id, 'note', `${await this.actors.of(principal)}: ${note}`);
    return incident;
  }

  @ResolveField(() => String, { description: 'What it is about: "host · service · monitor"' })
  async subject(@Parent() incident: Incident): Promise<string> {
    // The names are the inventory's (its port): incidents keep ids only.
    return (await this.subjects.named(incident.tenantId, incident.monitorId)) ?? 'deleted monitor';
  }

  @ResolveField(() => [IncidentEvent])
  timeline(@Parent() incident: Incident): Promise<IncidentEvent[]> {
    return this.incidents.timeline(incident);
  }
}
