import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { type AddressJudge, checkSettings, CLOCK, type Clock, egressProblem, VigiaException, withDatabaseErrors } from '#lib/common';
import { MonitorHealth } from '#lib/detection';
import { HostsService, MonitorsService } from '#lib/inventory';
import { IncidentsService } from '#lib/incidents';
import { SecretBox } from '#lib/secrets';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { ACTIVE_RUN_STATUSES, RunbookRun } from './entities/run.entity.js';
import { FailbackPolicy, Resource, type ResourceKind, type ResourceMember } from './entities/resource.entity.js';
import { memberRole } from './member-roles.js';
import { isHostRef } from './resources/resource-fields.js';
import { kindOf, resourceKind } from './resources/resource-kinds.js';
import { RunbooksService } from './runbooks.service.js';
import { overlaps } from './vm-domain-xml.js';
import { EgressPolicy } from '#lib/egress';
import { ResourceMemberChecks } from './resources/resource-member-checks.js';

export interface ResourceFields {
  name?: string;
  kind?: ResourceKind;
  config?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  members?: { hostId: string; monitorIds?: string[]; weight?: number; value?: string }[];
  primaryHostId?: string;
  approvalRequired?: boolean;
  cooldownMinutes?: number;
  failback?: FailbackPolicy;
  failbackHoldSeconds?: number;
  requireFencing?: boolean;
  runbookId?: string;
  recoveryRunbookId?: string;
}

/**
 * Each setting of a resource of `type` in its field's words, the required ones, the kind's rule across settings, then
 * the egress policy on what Vigia connects to (provider APIs, the authoritative server). Throws the first problem
 * (field `input.config.<key>`). The API's save and a fleet apply (ResourceFleetPort) both check with this.
 */
export function checkKindConfig(type: ResourceKind, config: Record<string, unknown>, guard: AddressJudge): void {
  const kind = resourceKind(type)!;
  const known = Object.keys(kind.config).join(', ');
  checkSettings(kind.config, config, { path: 'input.config', unknown: () => `is not a setting of a ${type} resource (known: ${known})`, required: () => `is required for a ${type} resource` });
  const problem = kind.check?.(config, guard);
  if (problem) throw VigiaException.invalid(`input.config.${problem[0]}`, problem[1]);
  for (const [key, schema] of Object.entries(kind.config)) {
    const refused = egressProblem(schema, config[key], guard);
    if (refused) throw VigiaException.invalid(`input.config.${key}`, refused);
  }
}

/** One lock for every tenant-own folder, held until the caller's transaction ends (see underFolderLock). */
export async function lockFolders(manager: EntityManager): Promise<void> {
  await manager.query("SELECT pg_advisory_xact_lock(hashtext('vigia.resources.tenant-own-folder'))");
}

/**
 * A folder that is one tenant's alone (kind.tenantOwnFolder): refused when it is, contains or lies inside another
 * tenant's. The error does not say which folder or whose.
 */
export async function refuseFolderOverlap(manager: EntityManager, tenantId: string, type: ResourceKind, key: string, folder: unknown): Promise<void> {
  if (typeof folder !== 'string') return;
  const others: { folder: string }[] = await manager.query(
    'SELECT config->>$3 AS folder FROM resources WHERE kind = $1 AND tenant_id <> $2 AND config ? $3',
    [type, tenantId, key],
  );
  if (others.some((o) => overlaps(o.folder, folder))) {
    throw VigiaException.invalid(`input.config.${key}`, `overlaps the ${key} of another tenant's ${type} resource: each tenant needs a folder of its own`);
  }
}

/** Failover units: validated per kind, members checked in the tenant, secrets sealed, built-in runbooks bound. */
@Injectable()
export class ResourcesService {
  readonly scope: TenantScopedRepository<Resource>;

  constructor(
    @InjectRepository(Resource) resources: Repository<Resource>,
    private readonly hosts: HostsService,
    private readonly monitors: MonitorsService,
    private readonly runbooks: RunbooksService,
    private readonly box: SecretBox,
    private readonly dataSource: DataSource,
    private readonly egress: EgressPolicy,
    private readonly incidents: IncidentsService,
    private readonly memberChecks: ResourceMemberChecks,
    private readonly health: MonitorHealth,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.scope = new TenantScopedRepository(resources, 'resource');
  }

  /** The members with their role now (member-roles.ts): primary, replica, fenced or pending, not as first configured. */
  async membersWithRoles(resource: Resource): Promise<ResourceMember[]> {
    const kind = kindOf(resource);
    const replicating = kind.readReplication ? await kind.readReplication(resource, this.health) : new Map<string, boolean>();
    return resource.members.map((m) => ({ ...m, role: memberRole(resource, m.hostId, replicating) }));
  }

  async create(principal: Principal, input: ResourceFields): Promise<Resource> {
    const kind = input.kind!;
    if (!resourceKind(kind)) throw VigiaException.invalid('input.kind', `${kind} resources are not available in this version`);
    const config = await this.checkConfig(principal, kind, input.config ?? {});
    const members = await this.checkMembers(principal, input.members ?? []);
    // A drained kind (a pool) has no primary: every member serves.
    const primaryHostId = input.primaryHostId ?? (resourceKind(kind)!.onMemberDown === 'drain' ? null : members[0]!.hostId);
    if (primaryHostId && !members.some((m) => m.hostId === primaryHostId)) throw VigiaException.invalid('input.primaryHostId', 'must be one of the members');
    const runbookId = input.runbookId ? (await this.runbooks.scope.get(principal, input.runbookId, 'input.runbookId')).id : await this.runbooks.builtin(principal, kind, 'failure');
    const secrets = this.checkSecrets(kind, input.secrets);
    await this.requireBuiltinFailureSettings(principal, kind, config, runbookId);
    const recoveryRunbookId = input.recoveryRunbookId ? (await this.runbooks.scope.get(principal, input.recoveryRunbookId, 'input.recoveryRunbookId')).id : await this.runbooks.builtin(principal, kind, 'recovery');
    // Runbooks operators start by hand for this kind (e.g. a planned MySQL switchover) are installed alongside.
    await this.runbooks.builtin(principal, kind, 'manual');
    const saved = await withDatabaseErrors(() =>
      this.underFolderLock(principal.tenantId, kind, config, async (manager) => {
        const resource = await manager.save(manager.create(Resource, {
          tenantId: principal.tenantId, name: input.name, kind, config, members, primaryHostId, primarySince: primaryHostId ? this.clock.now() : null,
          primaryReason: primaryHostId ? 'configured' : null, approvalRequired: input.approvalRequired ?? false, cooldownMinutes: input.cooldownMinutes ?? 5,
          failback: input.failback ?? FailbackPolicy.stay, failbackHoldSeconds: input.failbackHoldSeconds ?? 300, requireFencing: input.requireFencing ?? false,
          runbookId, recoveryRunbookId,
        }));
        if (secrets) await manager.update(Resource, { id: resource.id }, { secretSealed: this.box.seal(JSON.stringify(secrets), `resources:${resource.id}`) });
        return resource;
      }),
    );
    return this.memberChecks.check(saved);
  }

  /** Which of its kind's secrets a resource has stored: the form offers to remove those. */
  storedSecretNames(resource: Resource): string[] {
    if (!resource.secretSealed) return [];
    return Object.keys(JSON.parse(this.box.open(resource.secretSealed, `resources:${resource.id}`)) as Record<string, string>).sort();
  }

  async update(principal: Principal, id: string, input: ResourceFields): Promise<Resource> {
    const resource = await this.scope.get(principal, id);
    if (input.kind && input.kind !== resource.kind) throw VigiaException.invalid('input.kind', 'cannot change; create a new resource');
    const patch: Partial<Resource> = {};
    if (input.config) patch.config = await this.checkConfig(principal, resource.kind, input.config);
    if (input.members) patch.members = await this.checkMembers(principal, input.members);
    const members = patch.members ?? resource.members;
    if (input.primaryHostId !== undefined) {
      if (!members.some((m) => m.hostId === input.primaryHostId)) throw VigiaException.invalid('input.primaryHostId', 'must be one of the members');
      Object.assign(patch, { primaryHostId: input.primaryHostId, primarySince: this.clock.now(), primaryReason: 'set by an operator' });
    } else if (resource.primaryHostId && !members.some((m) => m.hostId === resource.primaryHostId)) {
      throw VigiaException.invalid('input.members', 'would drop the current primary; move it first');
    }
    for (const key of ['name', 'approvalRequired', 'cooldownMinutes', 'failback', 'failbackHoldSeconds', 'requireFencing'] as const) {
      if (input[key] !== undefined) Object.assign(patch, { [key]: input[key] });
    }
    if (input.runbookId) patch.runbookId = (await this.runbooks.scope.get(principal, input.runbookId, 'input.runbookId')).id;
    if (input.recoveryRunbookId) patch.recoveryRunbookId = (await this.runbooks.scope.get(principal, input.recoveryRunbookId, 'input.recoveryRunbookId')).id;
    if (patch.config || patch.runbookId) await this.requireBuiltinFailureSettings(principal, resource.kind, patch.config ?? resource.config, patch.runbookId ?? resource.runbookId);
    // The secrets given are merged over the stored ones, key by key: a new password alone keeps the stored user (an
    // edit that names one secret must not erase the others; the dashboard's form sends only what was typed).
    // An empty value removes that one secret.
    const given = this.checkSecrets(resource.kind, input.secrets, true);
    const stored = given && resource.secretSealed ? (JSON.parse(this.box.open(resource.secretSealed, `resources:${resource.id}`)) as Record<string, string>) : {};
    const secrets = given ? Object.fromEntries(Object.entries({ ...stored, ...given }).filter(([, value]) => value !== '')) : undefined;
    if (secrets) patch.secretSealed = Object.keys(secrets).length ? this.box.seal(JSON.stringify(secrets), `resources:${resource.id}`) : null;
    // Under the folder lock the update goes through the lock's own transaction: a second pooled connection taken while
    // holding the lock could wait for ever behind updates queued on the lock, each holding a connection.
    const updated = patch.config
      ? await this.underFolderLock(principal.tenantId, resource.kind, patch.config, (manager) => this.scope.update(principal, id, patch, manager))
      : await this.scope.update(principal, id, patch);
    return patch.members || patch.config || secrets ? this.memberChecks.check(updated) : updated;
  }

  /**
   * "Act now": an operator overrides a standing decision (flap damping, cooldown) for the outage it is about; the
   * watchdog's next evaluation starts the failover, forced. Replicas that do not confirm a MySQL primary's death are
   * not overridden here: that is a manual run of the failover runbook, with the operator's name on it.
   */
  async actNow(principal: Principal, id: string, actor: string): Promise<Resource> {
    const resource = await this.scope.get(principal, id);
    if (!resource.decisionIncidentId || !resource.decisionKind) throw new VigiaException('CONFLICT', `nothing is held on ${resource.name}: no standing decision to override`, 'id');
    if (resource.decisionKind === 'unconfirmed') throw new VigiaException('CONFLICT', `the replicas do not confirm the primary of ${resource.name} is dead; start the failover runbook by hand (with force) if you are sure`, 'id');
    await this.scope.repository.update({ id: resource.id }, { actNowIncidentId: resource.decisionIncidentId });
    await this.incidents.annotate(resource.tenantId, resource.decisionIncidentId, 'runbook', `${resource.name}: act now, by ${actor} (was: ${resource.decision})`);
    return this.scope.get(principal, id);
  }

  async delete(principal: Principal, id: string): Promise<boolean> {
    const resource = await this.scope.get(principal, id);
    const active = await this.dataSource.getRepository(RunbookRun).createQueryBuilder('r').where('r.resource_id = :id AND r.status IN (:...s)', { id, s: ACTIVE_RUN_STATUSES }).getOne();
    if (active) throw new VigiaException('CONFLICT', `resource ${resource.name} has an active run (${active.id}); abort it first`, 'id');
    return this.scope.delete(principal, id);
  }

  /**
   * Each setting in its field's words, the required ones, the kind's rule across settings, then the egress policy on
   * what Vigia connects to (provider APIs, the authoritative server), then host references in the tenant.
   */
  private async checkConfig(principal: Principal, type: ResourceKind, config: Record<string, unknown>): Promise<Record<string, unknown>> {
    const kind = resourceKind(type)!;
    checkKindConfig(type, config, this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' }));
    if (kind.tenantOwnFolder) await refuseFolderOverlap(this.dataSource.manager, principal.tenantId, type, kind.tenantOwnFolder, config[kind.tenantOwnFolder]);
    for (const [key, schema] of Object.entries(kind.config)) if (isHostRef(schema) && typeof config[key] === 'string') await this.hosts.scope.get(principal, config[key], `input.config.${key}`);
    return config;
  }

  /**
   * The save in a transaction that first takes one lock for every tenant-own folder and checks the overlap again:
   * two tenants saving the same folder at the same instant cannot both pass the check made before (checkConfig,
   * which refuses early, before anything else is touched). The lock is held until this save is committed.
   */
  private underFolderLock<T>(tenantId: string, type: ResourceKind, config: Record<string, unknown>, save: (manager: EntityManager) => Promise<T>): Promise<T> {
    const key = resourceKind(type)!.tenantOwnFolder;
    return this.dataSource.transaction(async (manager) => {
      if (key && typeof config[key] === 'string') {
        await lockFolders(manager);
        await refuseFolderOverlap(manager, tenantId, type, key, config[key]);
      }
      return save(manager);
    });
  }

  /** Settings the kind's built-in failure runbook cannot work without: required while it is the one bound. */
  private async requireBuiltinFailureSettings(principal: Principal, type: ResourceKind, config: Record<string, unknown>, runbookId: string | null): Promise<void> {
    const needs = resourceKind(type)!.builtinFailureNeeds;
    if (!needs) return;
    if (runbookId && runbookId !== (await this.runbooks.builtin(principal, type, 'failure'))) return;
    for (const key of needs.keys) if (config[key] === undefined) throw VigiaException.invalid(`input.config.${key}`, needs.because);
  }

  private async checkMembers(principal: Principal, members: NonNullable<ResourceFields['members']>): Promise<ResourceMember[]> {
    if (members.length === 0 || members.length > 16) throw VigiaException.invalid('input.members', 'needs 1 to 16 members');
    const seen = new Set<string>();
    const result: ResourceMember[] = [];
    for (const [i, member] of members.entries()) {
      const host = await this.hosts.scope.get(principal, member.hostId, `input.members[${i}].hostId`);
      if (seen.has(host.id)) throw VigiaException.invalid(`input.members[${i}].hostId`, `${host.name} is listed twice`);
      seen.add(host.id);
      const monitorIds = member.monitorIds ?? [];
      for (const [j, monitorId] of monitorIds.entries()) {
        const monitor = await this.monitors.scope.get(principal, monitorId, `input.members[${i}].monitorIds[${j}]`);
        if (monitor.hostId !== host.id) throw VigiaException.invalid(`input.members[${i}].monitorIds[${j}]`, `monitor ${monitor.name} does not watch ${host.name}`);
      }
      result.push({ hostId: host.id, monitorIds, weight: member.weight ?? null, value: member.value ?? null });
    }
    return result;
  }

  /** `removable`: on an update, an empty value stands for "remove this secret". */
  private checkSecrets(kind: ResourceKind, secrets: Record<string, unknown> | undefined, removable = false): Record<string, string> | undefined {
    if (!secrets) return undefined;
    const allowed = resourceKind(kind)!.secrets;
    for (const [key, value] of Object.entries(secrets)) {
      if (!allowed.includes(key)) throw VigiaException.invalid(`input.secrets.${key}`, allowed.length ? `is not a secret of a ${kind} resource (known: ${allowed.join(', ')})` : `${kind} resources have no secrets`);
      if (removable && value === '') continue;
      if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw VigiaException.invalid(`input.secrets.${key}`, 'must be a string of 1 to 1024 characters');
    }
    return secrets as Record<string, string>;
  }
}
