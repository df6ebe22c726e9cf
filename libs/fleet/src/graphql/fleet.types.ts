import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType({ description: 'A problem in a fleet file, where it is' })
export class FleetProblemView {
  @Field() file: string;
  @Field(() => Int) line: number;
  @Field(() => Int) column: number;
  @Field({ description: 'The field in words: "monitor web-1-http, config.url"' }) field: string;
  @Field() message: string;
  @Field(() => GraphQLJSON, { description: 'Path into the document (["monitors", 12, "config", "url"]): a client holding the file places the problem' })
  path: (string | number)[];
}

@ObjectType()
export class FleetFieldChangeView {
  @Field({ description: 'Path in the file: interval, config.url, ssh.jumpHost' }) field: string;
  @Field(() => GraphQLJSON, { nullable: true }) before: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after: unknown;
}

@ObjectType({ description: 'One object a plan creates, updates, deletes or detaches' })
export class FleetChangeView {
  @Field({ description: 'create, update, delete (prune) or detach (no longer managed by a file, kept)' }) action: string;
  @Field({ description: 'The section: sites, hosts, customers, services, monitors, maintenance, runbooks, channels, escalation, resources, tenant (the tenant\'s settings, key tenant)' }) kind: string;
  @Field({ description: 'Its name (a service or a monitor: host/name)' }) key: string;
  @Field(() => [FleetFieldChangeView]) fields: FleetFieldChangeView[];
  @Field({ description: 'Changed outside the file since the last apply: applying overwrites that change' }) drift: boolean;
}

@ObjectType({ description: 'An object changed outside the file since a file last applied it' })
export class FleetDriftView {
  @Field() kind: string;
  @Field() key: string;
  @Field(() => Date, { nullable: true, description: 'When it last changed' }) changedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Who changed it: a user\'s e-mail or an API token\'s name; null when not recorded for this kind of object (an unknown user: see docs/fleet.md)' })
  changedBy: string | null;
  @Field(() => [FleetFieldChangeView], { description: 'before: as applied; after: now' }) fields: FleetFieldChangeView[];
}

@ObjectType({ description: 'A fleet plan, and whether it was applied' })
export class FleetResultView {
  @Field(() => [FleetProblemView], { description: 'Every problem of the file; any problem: nothing applied' }) problems: FleetProblemView[];
  @Field(() => [FleetChangeView]) changes: FleetChangeView[];
  @Field(() => [FleetDriftView]) drift: FleetDriftView[];
  @Field(() => Int, { description: 'Objects of the tenant no file manages and this one does not name: left alone' }) unmanaged: number;
  @Field() applied: boolean;
}
