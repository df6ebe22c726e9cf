import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { QUERY_COST, VigiaException } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { writeFleet } from '../document/write-fleet.js';
import { FleetService, type FleetOutcome } from '../fleet.service.js';
import { FleetResultView } from './fleet.types.js';

const view = (outcome: FleetOutcome): FleetResultView => ({ problems: outcome.problems, applied: outcome.applied, ...outcome.plan });

/** Fleet as code: plan, apply and export of a tenant's fleet file (docs/fleet.md). */
@Resolver()
export class FleetResolver {
  constructor(private readonly fleet: FleetService) {}

  @Query(() => FleetResultView, { description: 'What applying this fleet file would do, and drift since the last apply; nothing is written', complexity: QUERY_COST.fleet })
  async fleetPlan(
    @CurrentPrincipal() principal: Principal,
    @Args('document', { description: 'The fleet file (YAML or JSON)' }) text: string,
    @Args('fileName', { defaultValue: 'fleet.yaml', description: 'Named in the problems' }) file: string,
    @Args('prune', { defaultValue: true, description: 'Objects a file applied before and this one does not name: delete (true) or detach (false)' }) prune: boolean,
  ): Promise<FleetResultView> {
    return view(await this.fleet.run(principal, { text, file, prune, dryRun: true }));
  }

  @RequireRole(Role.operator)
  @Mutation(() => FleetResultView, { description: 'Applies a fleet file in one transaction: all of it, or (any problem) nothing', complexity: QUERY_COST.fleet })
  async applyFleet(
    @CurrentPrincipal() principal: Principal,
    @Args('document') text: string,
    @Args('fileName', { defaultValue: 'fleet.yaml' }) file: string,
    @Args('prune', { defaultValue: true }) prune: boolean,
    @Args('dryRun', { defaultValue: false }) dryRun: boolean,
    @Args('secrets', { type: () => GraphQLJSONObject, nullable: true, description: 'Values of the file\'s secret references: { "<host>/<monitor>": { "<field path>": "value" } } (a channel\'s: { "channel:<name>": { "secret": "value" } }; a resource\'s: { "resource:<name>": { "<secret name>": "value" } })' })
    secrets?: Record<string, Record<string, string>>,
  ): Promise<FleetResultView> {
    if (secrets && !Object.values(secrets).every((m) => m && typeof m === 'object' && Object.values(m).every((v) => typeof v === 'string'))) {
      throw VigiaException.invalid('secrets', 'must map monitors (host/monitor) to { field path: string value }');
    }
    return view(await this.fleet.run(principal, { text, file, prune, dryRun, secrets }));
  }

  @Query(() => String, { description: 'The tenant\'s fleet as a fleet file (YAML); secrets as references, never values', complexity: QUERY_COST.fleet })
  async fleetExport(@CurrentPrincipal() principal: Principal): Promise<string> {
    return writeFleet(await this.fleet.export(principal), 'Exported by Vigia. Secrets are references, never values: vigia apply reads each one where its reference\nsays (an environment variable or a file) and stores it over the value held now, so set every one before applying.');
  }
}
