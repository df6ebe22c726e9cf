import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { VigiaException, withDatabaseErrors } from '#lib/common';
import { MonitorHealth } from '#lib/detection';
import { isDnsName } from '#lib/executors';
import { Host, Monitor } from '#lib/inventory';
import { IncidentsService } from '#lib/incidents';
import { SecretBox } from '#lib/secrets';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { CIDR4, IFNAME } from './document/definition.js';
import { ACTIVE_RUN_STATUSES, RunbookRun } from './entities/run.entity.js';
import { FailbackPolicy, Resource, ResourceKind, type ResourceMember } from './entities/resource.entity.js';
import { memberRole, type ReplicationSeen } from './member-roles.js';
import { RunbooksService } from './runbooks.service.js';
import { EgressPolicy } from '#lib/egress';
import { PlanContextFactory } from './engine/plan-context.js';
import { memberSafetyActions } from './steps/mysql-boot-config.js';

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

type ConfigRule = (value: unknown) => string | undefined;
const text = (re: RegExp, what: string): ConfigRule => (v) => (typeof v === 'string' && re.test(v) ? undefined : `must be ${what}`);
const int = (min: number, max: number): ConfigRule => (v) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? undefined : `must be an integer from ${min} to ${max}`);
const dnsName: ConfigRule = (v) => (typeof v === 'string' && (v === '@' || isDnsName(v)) ? undefined : 'must be a DNS name');
// Values that end up as command arguments never start with '-': `virsh destroy --help` must not pass for a fence.
const ADDRESS = /^(?!-)[0-9A-Za-z.:-]{1,253}$/;

/** Per kind: settings (required ones first) and secret names. */
const KINDS: Partial<Record<ResourceKind, { required: string[]; rules: Record<string, ConfigRule>; secrets: string[] }>> = {
  [ResourceKind.vip_group]: {
    required: ['address', 'interface'],
    rules: {
      address: text(CIDR4, 'an IPv4 address with prefix length, e.g. 10.0.0.100/24'), interface: text(IFNAME, 'a network interface name'),
      mode: text(/^(ip|keepalived)$/, 'ip or keepalived'), trackFile: text(/^\/[A-Za-z0-9_./-]{1,200}$/, 'an absolute file path'), demoteWeight: int(-254, -1),
    },
    secrets: [],
  },
  [ResourceKind.dns_record]: {
    required: ['server', 'zone', 'name'],
    rules: {
      provider: text(/^(rfc2136|powerdns)$/, 'rfc2136 or powerdns'), server: text(ADDRESS, 'the authoritative server address'), port: int(1, 65535),
      zone: dnsName, name: dnsName, type: text(/^(A|AAAA|CNAME)$/, 'A, AAAA or CNAME'), ttl: int(1, 86_400),
      tsigKeyName: dnsName, tsigAlgorithm: text(/^hmac-(md5|sha1|sha224|sha256|sha384|sha512)$/, 'an HMAC algorithm such as hmac-sha256'),
      via: text(/^[0-9a-f-]{36}$/, 'a host id (nsupdate runs there over SSH)'), apiUrl: text(/^https?:\/\/[^\s]+$/, 'an http(s) URL'), serverId: text(/^(?!-)[A-Za-z0-9_.-]{1,64}$/, 'a PowerDNS server id'),
    },
    secrets: ['tsigSecret', 'apiKey'],
  },
  [ResourceKind.mysql_group]: {
    required: [],
    rules: {
      port: int(1, 65535), replUser: text(/^[A-Za-z0-9_]{1,32}$/, 'a MySQL user name'), maxLagSeconds: int(0, 3600), confirmSeconds: int(0, 300),
      writerAddress: text(CIDR4, 'the writer VIP with prefix length'), writerInterface: text(IFNAME, 'a network interface name'),
      fenceCommand: (v) => (Array.isArray(v) && v.length > 0 && v.length <= 32 && v.every((x) => typeof x === 'string' && x.length <= 1024) ? undefined : 'must be a command as a list of arguments'),
    },
    secrets: ['user', 'password', 'replPassword'],
  },
  [ResourceKind.vm]: {
    required: ['driver'],
    rules: {
      driver: text(/^(libvirt|proxmox)$/, 'libvirt or proxmox'), domain: text(/^(?!-)[A-Za-z0-9_.-]{1,64}$/, 'a libvirt domain name (not starting with -)'), vmid: int(100, 999_999_999),
      xmlPath: text(/^\/[A-Za-z0-9_./-]{1,200}$/, 'an absolute path to the domain XML on shared storage'), apiUrl: text(/^https?:\/\/[^\s]+$/, 'an http(s) URL'),
      memoryMb: int(1, 16_777_216), antiAffinity: text(/^(?!-)[A-Za-z0-9_.:=-]{1,63}$/, 'a tag (not starting with -)'), virsh: text(/^\/[A-Za-z0-9_./-]{1,200}$/, 'an absolute path to virsh'),
    },
    secrets: ['apiToken'],
  },
  [ResourceKind.lb_pool]: {
    required: ['driver'],
    rules: {
      driver: text(/^(haproxy|ipvs)$/, 'haproxy or ipvs'), runtimeApi: text(/^(tcp:\/\/[^\s/]+:\d+|unix:\/[^\s]+)$/, 'tcp://host:port or unix:/path'),
      backend: text(/^(?!-)[A-Za-z0-9_.:-]{1,64}$/, 'a backend name (not starting with -)'), director: text(/^[0-9a-f-]{36}$/, 'a host id'), service: text(/^\d+\.\d+\.\d+\.\d+:\d+$/, 'VIP:port'), port: int(1, 65535),
    },
    secrets: [],
  },
};

// Every kind: how long a flapping primary (or pool member) must stay down before its automatic run (default 60 s).
for (const rules of Object.values(KINDS)) rules.rules.flapStableSeconds = int(0, 3600);

/** Failover units: validated per kind, members checked in the tenant, secrets sealed, built-in runbooks bound. */
@Injectable()
export class ResourcesService {
  readonly scope: TenantScopedRepository<Resource>;
  private readonly hosts: TenantScopedRepository<Host>;
  private readonly monitors: TenantScopedRepository<Monitor>;

  constructor(
    @InjectRepository(Resource) resources: Repository<Resource>,
    @InjectRepository(Host) hosts: Repository<Host>,
    @InjectRepository(Monitor) monitors: Repository<Monitor>,
    private readonly runbooks: RunbooksService,
    private readonly box: SecretBox,
    private readonly dataSource: DataSource,
    private readonly egress: EgressPolicy,
    private readonly incidents: IncidentsService,
    private readonly contexts: PlanContextFactory,
    private readonly health: MonitorHealth,
  ) {
    this.scope = new TenantScopedRepository(resources, 'resource');
    this.hosts = new TenantScopedRepository(hosts, 'host');
    this.monitors = new TenantScopedRepository(monitors, 'monitor');
  }

  /** The members with their role now (member-roles.ts): primary, replica, fenced or pending, not as first configured. */
  async membersWithRoles(resource: Resource): Promise<ResourceMember[]> {
    const replicating: ReplicationSeen = new Map();
    if (resource.kind === ResourceKind.mysql_group) {
      // The members' MySQL monitors as last probed: "replicating from …" is the probe's word for a healthy replica.
      const rows = (await this.health.ofHosts(resource.tenantId, resource.members.map((m) => m.hostId), 'mysql'))
        .map((r) => ({ ...r, replicating: r.health === 'up' && (r.lastReason ?? '').includes('replicating from') }));
      for (const member of resource.members) {
        const seen = rows.filter((r) => r.hostId === member.hostId && (member.monitorIds.length === 0 || member.monitorIds.includes(r.monitorId)));
        if (seen.length) replicating.set(member.hostId, seen.some((r) => r.replicating));
      }
    }
    return resource.members.map((m) => ({ ...m, role: memberRole(resource, m.hostId, replicating) }));
  }

  async create(principal: Principal, input: ResourceFields): Promise<Resource> {
    const kind = input.kind!;
    const rules = KINDS[kind];
    if (!rules) throw VigiaException.invalid('input.kind', `${kind} resources are not available in this version`);
    const config = await this.checkConfig(principal, kind, input.config ?? {});
    const members = await this.checkMembers(principal, input.members ?? []);
    const primaryHostId = input.primaryHostId ?? (kind === ResourceKind.lb_pool ? null : members[0]!.hostId);
    if (primaryHostId && !members.some((m) => m.hostId === primaryHostId)) throw VigiaException.invalid('input.primaryHostId', 'must be one of the members');
    const runbookId = input.runbookId ? (await this.runbooks.scope.get(principal, input.runbookId, 'input.runbookId')).id : await this.runbooks.builtin(principal, kind, 'failure');
    const secrets = this.checkSecrets(kind, input.secrets);
    await this.requireWriter(principal, kind, config, runbookId);
    const recoveryRunbookId = input.recoveryRunbookId ? (await this.runbooks.scope.get(principal, input.recoveryRunbookId, 'input.recoveryRunbookId')).id : await this.runbooks.builtin(principal, kind, 'recovery');
    // Runbooks operators start by hand for this kind (e.g. a planned MySQL switchover) are installed alongside.
    await this.runbooks.builtin(principal, kind, 'manual');
    const saved = await withDatabaseErrors(() =>
      this.dataSource.transaction(async (manager) => {
        const resource = await manager.save(manager.create(Resource, {
          tenantId: principal.tenantId, name: input.name, kind, config, members, primaryHostId, primarySince: primaryHostId ? new Date() : null,
          primaryReason: primaryHostId ? 'configured' : null, approvalRequired: input.approvalRequired ?? false, cooldownMinutes: input.cooldownMinutes ?? 5,
          failback: input.failback ?? FailbackPolicy.stay, failbackHoldSeconds: input.failbackHoldSeconds ?? 300, requireFencing: input.requireFencing ?? false,
          runbookId, recoveryRunbookId,
        }));
        if (secrets) await manager.update(Resource, { id: resource.id }, { secretSealed: this.box.seal(JSON.stringify(secrets), `resources:${resource.id}`) });
        return resource;
      }),
    );
    return this.checkBootConfig(saved);
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
      Object.assign(patch, { primaryHostId: input.primaryHostId, primarySince: new Date(), primaryReason: 'set by an operator' });
    } else if (resource.primaryHostId && !members.some((m) => m.hostId === resource.primaryHostId)) {
      throw VigiaException.invalid('input.members', 'would drop the current primary; move it first');
    }
    for (const key of ['name', 'approvalRequired', 'cooldownMinutes', 'failback', 'failbackHoldSeconds', 'requireFencing'] as const) {
      if (input[key] !== undefined) Object.assign(patch, { [key]: input[key] });
    }
    if (input.runbookId) patch.runbookId = (await this.runbooks.scope.get(principal, input.runbookId, 'input.runbookId')).id;
    if (input.recoveryRunbookId) patch.recoveryRunbookId = (await this.runbooks.scope.get(principal, input.recoveryRunbookId, 'input.recoveryRunbookId')).id;
    if (patch.config || patch.runbookId) await this.requireWriter(principal, resource.kind, patch.config ?? resource.config, patch.runbookId ?? resource.runbookId);
    const secrets = this.checkSecrets(resource.kind, input.secrets);
    if (secrets) patch.secretSealed = this.box.seal(JSON.stringify(secrets), `resources:${resource.id}`);
    const updated = await this.scope.update(principal, id, patch);
    return patch.members || patch.config || secrets ? this.checkBootConfig(updated) : updated;
  }

  /**
   * A MySQL group's members must boot read-only, and not announce addresses they no longer hold (arp_announce=2,
   * docs/runbooks.md): a restarted or returning former primary would otherwise take writes before anyone can fence
   * it. Checked over SSH when the group is saved, each member's verdict kept as its warning (also refreshed by every
   * failover). Bounded: the sessions run side by side, each at most 4 s.
   */
  private async checkBootConfig(resource: Resource): Promise<Resource> {
    if (resource.kind !== ResourceKind.mysql_group) return resource;
    const ctx = this.contexts.create(resource.tenantId, resource);
    const members = await Promise.all(resource.members.map(async (member) => {
      try {
        const host = await ctx.resolveHost(member.hostId, 'members', false);
        if (!host.ssh) return { ...member, warning: `not checked: ${host.sshProblem ?? 'no SSH access'}` };
        const results = await Promise.all(memberSafetyActions(host, resource.config.writerInterface, 'members').map((a) => a.run({ signal: AbortSignal.timeout(5000), onData: () => undefined })));
        const problems = results.filter((r) => !r.ok).map((r) => r.note ?? 'not checked');
        return { ...member, warning: problems.length ? problems.join('; ') : null };
      } catch (error) {
        return { ...member, warning: `not checked: ${(error as Error).message}` };
      }
    }));
    // jsonb through a parameter (TypeORM's update would take the array for a nested patch).
    await this.dataSource.query('UPDATE resources SET members = $2 WHERE id = $1', [resource.id, JSON.stringify(members)]);
    return Object.assign(resource, { members });
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

  private async checkConfig(principal: Principal, kind: ResourceKind, config: Record<string, unknown>): Promise<Record<string, unknown>> {
    const rules = KINDS[kind]!;
    for (const key of Object.keys(config)) {
      const rule = Object.hasOwn(rules.rules, key) ? rules.rules[key] : undefined;
      if (!rule) throw VigiaException.invalid(`input.config.${key}`, `is not a setting of a ${kind} resource (known: ${Object.keys(rules.rules).join(', ')})`);
      const problem = rule(config[key]);
      if (problem) throw VigiaException.invalid(`input.config.${key}`, problem);
    }
    for (const key of rules.required) if (config[key] === undefined) throw VigiaException.invalid(`input.config.${key}`, `is required for a ${kind} resource`);
    if (kind === ResourceKind.vm) {
      const need = config.driver === 'proxmox' ? ['vmid', 'apiUrl'] : ['domain'];
      for (const key of need) if (config[key] === undefined) throw VigiaException.invalid(`input.config.${key}`, `is required for a ${String(config.driver)} VM`);
    }
    if (kind === ResourceKind.lb_pool) {
      const need = config.driver === 'ipvs' ? ['director', 'service'] : ['runtimeApi', 'backend'];
      for (const key of need) if (config[key] === undefined) throw VigiaException.invalid(`input.config.${key}`, `is required for a ${String(config.driver)} pool`);
    }
    this.checkEgress(principal, config);
    for (const key of ['via', 'director']) if (typeof config[key] === 'string') await this.hosts.get(principal, config[key], `input.config.${key}`);
    return config;
  }

  /**
   * The built-in MySQL failover moves clients with the writer address: without one it would promote a replica and then
   * fail, clients still pointed at the dead primary. Required at save for it; a group bound to its own failure
   * runbook (clients behind a proxy or a DNS name the runbook moves) may leave it out.
   */
  private async requireWriter(principal: Principal, kind: ResourceKind, config: Record<string, unknown>, runbookId: string | null): Promise<void> {
    if (kind !== ResourceKind.mysql_group) return;
    if (runbookId && runbookId !== (await this.runbooks.builtin(principal, kind, 'failure'))) return;
    for (const key of ['writerAddress', 'writerInterface']) {
      if (config[key] === undefined) {
        throw VigiaException.invalid(`input.config.${key}`, 'is required for a MySQL group with the built-in failover (it moves the writer address to the new primary); bind your own runbook (runbookId) if clients follow the primary another way');
      }
    }
  }

  /** Addresses Vigia itself connects to (HAProxy runtime API, provider APIs): refused literals and Unix sockets. */
  private checkEgress(principal: Principal, config: Record<string, unknown>): void {
    const guard = this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' });
    if (typeof config.runtimeApi === 'string') {
      if (config.runtimeApi.startsWith('unix:')) throw VigiaException.invalid('input.config.runtimeApi', 'refused by egress policy: a Unix socket is this machine\'s, not the tenant\'s; use tcp://host:port');
      const refused = guard.urlRefusal(config.runtimeApi);
      if (refused) throw VigiaException.invalid('input.config.runtimeApi', refused);
    }
    if (typeof config.server === 'string') {
      const refused = guard.literalRefusal(config.server);
      if (refused) throw VigiaException.invalid('input.config.server', refused);
    }
    if (typeof config.apiUrl === 'string') {
      const refused = guard.urlRefusal(config.apiUrl);
      if (refused) throw VigiaException.invalid('input.config.apiUrl', refused);
    }
  }

  private async checkMembers(principal: Principal, members: NonNullable<ResourceFields['members']>): Promise<ResourceMember[]> {
    if (members.length === 0 || members.length > 16) throw VigiaException.invalid('input.members', 'needs 1 to 16 members');
    const seen = new Set<string>();
    const result: ResourceMember[] = [];
    for (const [i, member] of members.entries()) {
      const host = await this.hosts.get(principal, member.hostId, `input.members[${i}].hostId`);
      if (seen.has(host.id)) throw VigiaException.invalid(`input.members[${i}].hostId`, `${host.name} is listed twice`);
      seen.add(host.id);
      const monitorIds = member.monitorIds ?? [];
      for (const [j, monitorId] of monitorIds.entries()) {
        const monitor = await this.monitors.get(principal, monitorId, `input.members[${i}].monitorIds[${j}]`);
        if (monitor.hostId !== host.id) throw VigiaException.invalid(`input.members[${i}].monitorIds[${j}]`, `monitor ${monitor.name} does not watch ${host.name}`);
      }
      result.push({ hostId: host.id, monitorIds, weight: member.weight ?? null, value: member.value ?? null });
    }
    return result;
  }

  private checkSecrets(kind: ResourceKind, secrets: Record<string, unknown> | undefined): Record<string, string> | undefined {
    if (!secrets) return undefined;
    const allowed = KINDS[kind]!.secrets;
    for (const [key, value] of Object.entries(secrets)) {
      if (!allowed.includes(key)) throw VigiaException.invalid(`input.secrets.${key}`, allowed.length ? `is not a secret of a ${kind} resource (known: ${allowed.join(', ')})` : `${kind} resources have no secrets`);
      if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw VigiaException.invalid(`input.secrets.${key}`, 'must be a string of 1 to 1024 characters');
    }
    return secrets as Record<string, string>;
  }
}
