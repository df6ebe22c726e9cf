import { Inject, Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { CLOCK, type Clock, VigiaException, withDatabaseErrors } from '#lib/common';
import { EgressPolicy } from '#lib/egress';
import { SecretBox } from '#lib/secrets';
import { BUILTIN_RUNBOOKS, builtinName } from './document/builtin-runbooks.js';
import { parseRunbook } from './document/runbook-document.js';
import { FailbackPolicy, Resource } from './entities/resource.entity.js';
import { ACTIVE_RUN_STATUSES, RunbookRun } from './entities/run.entity.js';
import { Runbook } from './entities/runbook.entity.js';
import { checkKindConfig, lockFolders, refuseFolderOverlap } from './resources.service.js';
import { isHostRef } from './resources/resource-fields.js';
import { type ResourceKind, resourceKind } from './resources/resource-kinds.js';
import { insertRunbook } from './runbooks.service.js';

/** A member as a fleet file sees it (ids; the fleet turns them into names). */
export interface FleetResourceMember {
  hostId: string;
  monitorIds: string[];
  weight: number | null;
  value: string | null;
}

/** A resource as a fleet file sees it: never its secrets, only their names. */
export interface FleetResourceRow {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  members: FleetResourceMember[];
  primaryHostId: string | null;
  approvalRequired: boolean;
  cooldownMinutes: number;
  failback: 'auto' | 'stay';
  failbackHoldSeconds: number;
  requireFencing: boolean;
  runbookId: string | null;
  recoveryRunbookId: string | null;
  secretNames: string[];
  updatedAt: Date;
}

/** What a file asks of a resource, in ids. `runbookId` null: the kind's built-in (installed if missing). */
export interface FleetResourceSave {
  name: string;
  kind: string;
  config: Record<string, unknown>;
  members: FleetResourceMember[];
  /** undefined: the first member at create (none for a drained kind), unchanged on an update. */
  primaryHostId: string | undefined;
  approvalRequired: boolean;
  cooldownMinutes: number;
  failback: 'auto' | 'stay';
  failbackHoldSeconds: number;
  requireFencing: boolean;
  runbookId: string | null;
  recoveryRunbookId: string | null;
  /** The secrets the file names (others stored are removed), with the values sent; a name without one keeps the stored value. */
  secrets: { names: string[]; values: Record<string, string> };
}

/** What a kind's resource takes, for the fleet's own checks and for reading ids in its config as host names. */
export interface FleetResourceKind {
  secrets: readonly string[];
  /** Settings naming a host (ids in the database, names in a file). */
  hostFields: string[];
  memberWeight: boolean;
  memberValue: boolean;
  builtinFailure: string | null;
  builtinRecovery: string | null;
}

/** What a kind's resource takes (a pure look-up in the registry: a file is checked with it before any database). */
export function fleetResourceKind(type: string): FleetResourceKind | undefined {
  const kind = resourceKind(type);
  if (!kind) return undefined;
  return {
    secrets: kind.secrets, hostFields: Object.entries(kind.config).filter(([, schema]) => isHostRef(schema)).map(([key]) => key),
    memberWeight: kind.members.weight !== undefined, memberValue: kind.members.value !== undefined,
    builtinFailure: builtinName(type, 'failure') ?? null, builtinRecovery: builtinName(type, 'recovery') ?? null,
  };
}

/**
 * Runbooks' port for resources (failover units) in fleet files (issue 16): read and written in the caller's
 * transaction, checked by the API's own rules (`checkKindConfig` of ResourcesService.create/update: each setting, the
 * kind's rule, the egress policy; the tenant-own folder under the same lock `underFolderLock` takes, held until the
 * fleet's transaction commits), secrets sealed as the API seals them (`resources:<id>`). The table stays runbooks'.
 */
@Injectable()
export class ResourceFleetPort {
  constructor(private readonly box: SecretBox, private readonly egress: EgressPolicy, @Inject(CLOCK) private readonly clock: Clock) {}

  async resources(manager: EntityManager, tenantId: string): Promise<FleetResourceRow[]> {
    const rows = await manager.find(Resource, { where: { tenantId }, order: { name: 'ASC' } });
    return rows.map((r) => ({
      id: r.id, name: r.name, kind: r.kind, config: r.config, primaryHostId: r.primaryHostId, approvalRequired: r.approvalRequired, cooldownMinutes: r.cooldownMinutes,
      members: r.members.map((m) => ({ hostId: m.hostId, monitorIds: m.monitorIds ?? [], weight: m.weight ?? null, value: m.value ?? null })),
      failback: r.failback, failbackHoldSeconds: r.failbackHoldSeconds, requireFencing: r.requireFencing, runbookId: r.runbookId, recoveryRunbookId: r.recoveryRunbookId,
      secretNames: this.secretsOf(r) ? Object.keys(this.secretsOf(r)!).sort() : [], updatedAt: r.updatedAt,
    }));
  }

  /**
   * The first problem of a resource (field relative to it, in the file's words: `kind`, `config.address`,
   * `secrets.token`, `members`). `existing`: the stored one of that name. `builtinFailure`: the kind's built-in
   * failure runbook is the one bound (its required settings apply).
   */
  async problem(manager: EntityManager, tenantId: string, input: { kind: string; config: Record<string, unknown>; secretNames: string[]; primaryHostId: string | undefined; memberHostIds: string[]; builtinFailure: boolean }, existing?: FleetResourceRow): Promise<{ field: string; message: string } | undefined> {
    const kind = resourceKind(input.kind);
    if (!kind) return { field: 'kind', message: `${input.kind} resources are not available in this version` };
    if (existing && existing.kind !== input.kind) return { field: 'kind', message: 'cannot change; create a new resource (or rename this one)' };
    try {
      checkKindConfig(input.kind as ResourceKind, input.config, this.egress.guard({ tenantId, vantage: 'platform' }));
      if (kind.tenantOwnFolder) await refuseFolderOverlap(manager, tenantId, input.kind as ResourceKind, kind.tenantOwnFolder, input.config[kind.tenantOwnFolder]);
    } catch (error) {
      if (!(error instanceof VigiaException) || !error.field) throw error;
      return { field: error.field.replace(/^input\./, ''), message: error.message.replace(`${error.field}: `, '') };
    }
    for (const name of input.secretNames) {
      if (!kind.secrets.includes(name)) return { field: `secrets.${name}`, message: kind.secrets.length ? `is not a secret of a ${input.kind} resource (known: ${kind.secrets.join(', ')})` : `${input.kind} resources have no secrets` };
    }
    if (input.builtinFailure && kind.builtinFailureNeeds) {
      for (const key of kind.builtinFailureNeeds.keys) if (input.config[key] === undefined) return { field: `config.${key}`, message: kind.builtinFailureNeeds.because.replace('(runbookId)', '(runbook:)') };
    }
    // As the API's update refuses: the primary is moved first, by an operator or a run.
    if (existing?.primaryHostId && input.primaryHostId === undefined && !input.memberHostIds.includes(existing.primaryHostId)) return { field: 'members', message: 'would drop the current primary; move it first (or write primary:)' };
    return undefined;
  }

  /** Creates or updates a resource in the caller's transaction; its runbooks exist, its members were checked. */
  async save(manager: EntityManager, tenantId: string, resource: { id: string; exists: boolean }, input: FleetResourceSave, actor: string): Promise<void> {
    const kind = resourceKind(input.kind)!;
    // The stored row first, in this tenant only: another tenant's id fails here, before anything is written.
    const current = resource.exists ? await manager.findOneByOrFail(Resource, { id: resource.id, tenantId }) : null;
    // The folder check again under the lock, held until the fleet's transaction commits (as underFolderLock).
    if (kind.tenantOwnFolder && typeof input.config[kind.tenantOwnFolder] === 'string') {
      await lockFolders(manager);
      await refuseFolderOverlap(manager, tenantId, input.kind as ResourceKind, kind.tenantOwnFolder, input.config[kind.tenantOwnFolder]);
    }
    const runbookId = input.runbookId ?? await this.builtin(manager, tenantId, input.kind, 'failure');
    const recoveryRunbookId = input.recoveryRunbookId ?? await this.builtin(manager, tenantId, input.kind, 'recovery');
    // Runbooks operators start by hand for this kind are installed alongside, as the API does.
    await this.builtin(manager, tenantId, input.kind, 'manual');
    const stored = current ? this.secretsOf(current) ?? {} : {};
    const secrets = Object.fromEntries(input.secrets.names.map((n) => [n, input.secrets.values[n] ?? stored[n]]).filter((e): e is [string, string] => typeof e[1] === 'string'));
    // Nothing sent and the same names: the sealed text stays as it is (sealing again would change it for nothing).
    const unchanged = current && !Object.keys(input.secrets.values).length && stableNames(Object.keys(stored)) === stableNames(Object.keys(secrets));
    const secretSealed = unchanged ? current.secretSealed : Object.keys(secrets).length ? this.box.seal(JSON.stringify(secrets), `resources:${resource.id}`) : null;
    const fields = {
      name: input.name, config: input.config, members: input.members, approvalRequired: input.approvalRequired, cooldownMinutes: input.cooldownMinutes,
      failback: input.failback as FailbackPolicy, failbackHoldSeconds: input.failbackHoldSeconds, requireFencing: input.requireFencing, runbookId, recoveryRunbookId, secretSealed,
    };
    await withDatabaseErrors(async () => {
      if (current) {
        const moved = input.primaryHostId !== undefined && input.primaryHostId !== current.primaryHostId ? { primaryHostId: input.primaryHostId, primarySince: this.clock.now(), primaryReason: `set by ${actor}` } : {};
        await manager.update(Resource, { id: resource.id, tenantId }, { ...fields, ...moved } as QueryDeepPartialEntity<Resource>);
      } else {
        const primaryHostId = input.primaryHostId ?? (kind.onMemberDown === 'drain' ? null : input.members[0]!.hostId);
        await manager.insert(Resource, {
          id: resource.id, tenantId, kind: input.kind, ...fields, primaryHostId, primarySince: primaryHostId ? this.clock.now() : null, primaryReason: primaryHostId ? 'configured' : null,
        } as QueryDeepPartialEntity<Resource>);
      }
    }, '');
  }

  /** Per resource id, its active run (a resource with one is not deleted, as `deleteResource` refuses). */
  async activeRuns(manager: EntityManager, tenantId: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const runs = await manager.find(RunbookRun, { where: { tenantId, resourceId: In(ids), status: In(ACTIVE_RUN_STATUSES) } });
    return new Map(runs.map((r) => [r.resourceId!, r.id]));
  }

  async remove(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    await manager.delete(Resource, { id, tenantId });
  }

  private secretsOf(resource: Resource): Record<string, string> | null {
    return resource.secretSealed ? JSON.parse(this.box.open(resource.secretSealed, `resources:${resource.id}`)) as Record<string, string> : null;
  }

  /** The kind's built-in runbook for `role`, installed in the tenant (in this transaction) if it is not yet: its id. */
  private async builtin(manager: EntityManager, tenantId: string, kind: string, role: 'failure' | 'recovery' | 'manual'): Promise<string | null> {
    const template = BUILTIN_RUNBOOKS.find((b) => b.name === builtinName(kind, role));
    if (!template) return null;
    const existing = await manager.findOne(Runbook, { where: { tenantId, name: template.name } });
    if (existing) return existing.id;
    const parsed = parseRunbook(template.source);
    if (!parsed.ok) throw new Error(`built-in runbook ${template.name} does not parse`);
    return (await insertRunbook(manager, tenantId, parsed, template.source, 'vigia (built-in)', true)).id;
  }
}

const stableNames = (names: string[]): string => [...names].sort().join(',');
