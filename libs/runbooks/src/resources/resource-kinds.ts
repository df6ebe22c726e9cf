import { dnsRecordKind } from './dns-record.kind.js';
import { lbPoolKind } from './lb-pool.kind.js';
import { mysqlGroupKind } from './mysql-group.kind.js';
import { flapStableSeconds } from './resource-fields.js';
import type { ResourceKindDef } from './resource-kind.js';
import { vipGroupKind } from './vip-group.kind.js';
import { vmKind } from './vm.kind.js';

/**
 * Every resource kind, listed once. The kind enum (TypeScript, GraphQL with descriptions, PostgreSQL
 * `resource_kind`, checked by test/kind-registries.e2e.spec.ts), save-time validation and secrets, the built-in
 * runbooks bound at create, and what the reconciler and the triggers do when a member goes down or comes back all
 * come from here. Adding a resource kind: docs/extending.md.
 */
export const RESOURCE_KINDS = [vipGroupKind, dnsRecordKind, lbPoolKind, mysqlGroupKind, vmKind] as const;

export type ResourceKind = (typeof RESOURCE_KINDS)[number]['type'];

/** `ResourceKind.vm` is `'vm'`: the names as values (GraphQL and TypeORM enums, class-validator's IsEnum). */
export const ResourceKind = Object.freeze(Object.fromEntries(RESOURCE_KINDS.map((k) => [k.type, k.type]))) as { readonly [T in ResourceKind]: T };

export const RESOURCE_TYPES: readonly ResourceKind[] = RESOURCE_KINDS.map((k) => k.type);

// Every kind also takes `flapStableSeconds` (flap damping is the reconciler's, the same for all kinds).
const BY_TYPE = new Map<string, ResourceKindDef>(RESOURCE_KINDS.map((k) => [k.type, { ...k, config: { ...k.config, flapStableSeconds } }]));

/** The kind of a resource type, or undefined for a name this version does not know. */
export function resourceKind(type: string): ResourceKindDef | undefined {
  return BY_TYPE.get(type);
}

/** The kind of a stored resource: its type is one of the PostgreSQL enum's, which the registry test keeps equal. */
export function kindOf(resource: { kind: string }): ResourceKindDef {
  const kind = BY_TYPE.get(resource.kind);
  if (!kind) throw new Error(`resource kind ${resource.kind} is not in the registry (resources/resource-kinds.ts)`);
  return kind;
}

/** The resource types of which `has` holds (e.g. whose replicas are asked early): for SQL filters over `resources.kind`. */
export function resourceTypesWhere(has: (kind: ResourceKindDef) => boolean): string[] {
  return RESOURCE_KINDS.filter(has).map((k) => k.type);
}
