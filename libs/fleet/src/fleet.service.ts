import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { AlertFleetPort } from '#lib/alerts';
import { Bulkhead, CLOCK, type Clock } from '#lib/common';
import { type FleetWindow, MaintenanceFleetPort } from '#lib/detection';
import { InventoryFleetPort, type InventoryKind } from '#lib/inventory';
import { SlaFleetPort } from '#lib/reports';
import { type FleetResourceRow, fleetResourceKind, ResourceFleetPort, ResourceMemberChecks, RunbookFleetPort } from '#lib/runbooks';
import { VantageFleetPort } from '#lib/vantages';
import { TransactionRunner } from '#lib/persistence';
import { PagingTargets } from '#lib/oncall';
import { AuditTrail, type Principal, Role, roleAtLeast, TenantPeople } from '#lib/tenancy';
import { inventoryRows, type IdOf } from './apply/inventory-rows.js';
import { type FleetChannel, type FleetCustomer, type FleetDocument, type FleetEscalation, type FleetHost, type FleetMaintenance, type FleetMonitor, type FleetObject, type FleetResource, type FleetRunbook, type FleetVantages, fleetKey } from './document/fleet-document.js';
import { windowInstant } from './document/fleet-maintenance.js';
import { FLEET_SECTIONS, type FleetSection } from './document/fleet-schema.js';
import { isSecretRef, secretSlots } from './document/fleet-secrets.js';
import type { LocatedProblem } from './document/fleet-source.js';
import { fieldWords, readFleet, readFleetData, type ReadFleet } from './document/read-fleet.js';
import { DataSource } from './document/fleet-source.js';
import { FleetApplied } from './fleet-applied.entity.js';
import { canonical, digestOf } from './plan/canonical.js';
import { appliedKey, type CurrentFleet, currentFleet, dig, place } from './plan/current-fleet.js';
import { type AppliedRecord, type FleetChange, type FleetPlan, planFleet } from './plan/plan-fleet.js';

export interface FleetRequest {
  /** The fleet file's text (YAML or JSON) and its name, for the positions of problems. */
  text: string;
  file: string;
  prune: boolean;
  dryRun: boolean;
  /**
   * The values of the file's secret references, by monitor (its key, `host/name`) and field path
   * (`{ "db-1/mysql": { "password": "…" } }`); a channel's under `channel:<name>`, path `secret`; a resource's under `resource:<name>`, path the secret's name.
   */
  secrets?: Record<string, Record<string, string>>;
}

export interface FleetOutcome {
  problems: LocatedProblem[];
  plan: FleetPlan;
  applied: boolean;
}

const NO_PLAN: FleetPlan = { changes: [], drift: [], unmanaged: 0 };
/** Deletions run from the leaves up: a host's monitors before the host. */
const DELETE_ORDER: InventoryKind[] = ['monitors', 'services', 'hosts', 'customers', 'sites'];
/** The sections inventory owns (written through its port); the others go through their owners' ports. */
const INVENTORY_SECTIONS: readonly InventoryKind[] = ['sites', 'hosts', 'customers', 'services', 'monitors'];
/** A window problem's field (detection's words) in the file's words. */
const WINDOW_FIELD = { startsAt: 'from', endsAt: 'until', recurrence: 'recurrence', timeZone: 'timeZone', hostIds: 'hosts', serviceIds: 'services', monitorIds: 'monitors' } as const;
const SEALED = '<sealed>';
const NEW_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Plan and apply of a fleet file, in ONE transaction under a per-tenant lock: read the inventory through its port,
 * check the file against it (credentials, egress, probe configs: every problem with its line), plan, write, and
 * remember the digest of every object applied. Any problem: nothing is written.
 */
@Injectable()
export class FleetService {
  constructor(
    private readonly inventory: InventoryFleetPort,
    private readonly maintenance: MaintenanceFleetPort,
    private readonly sla: SlaFleetPort,
    private readonly vantages: VantageFleetPort,
    private readonly runbooks: RunbookFleetPort,
    private readonly alerts: AlertFleetPort,
    private readonly resources: ResourceFleetPort,
    private readonly schedules: PagingTargets,
    private readonly people: TenantPeople,
    private readonly audit: AuditTrail,
    private readonly memberChecks: ResourceMemberChecks,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Plans, applies and exports hold a connection for their whole read of the tenant: two at a time in this process,
   * three per tenant running or waiting (docs/security.md, "Query limits").
   */
  private readonly bulkhead = new Bulkhead('fleet operations', 2, 3);

  run(principal: Principal, request: FleetRequest): Promise<FleetOutcome> {
    return this.bulkhead.run(principal.tenantId, () => this.runNow(principal, request));
  }

  private async runNow(principal: Principal, request: FleetRequest): Promise<FleetOutcome> {
    const read = readRequest(request);
    if (!read.document) return { problems: read.problems, plan: NO_PLAN, applied: false };
    const doc = read.document;
    const outcome = await this.tx.run(async (manager): Promise<FleetOutcome> => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fleet:${principal.tenantId}`]);
      const { current, applied, vantageIds, resourceRows, scheduleIds } = await this.state(manager, principal.tenantId);
      const onCall = await this.onCallNames(principal.tenantId, doc, scheduleIds);
      const plan = planFleet(doc, current, applied, request.prune);
      await this.whoChanged(principal.tenantId, plan, current, applied);
      const problems = [...this.check(principal, read, current, plan, request), ...await this.checkVantages(principal, read, plan, vantageIds, request), ...await this.runbooksInUse(manager, principal.tenantId, read, current, plan), ...await this.checkAlerts(manager, principal, read, current, plan, request, onCall), ...await this.checkResources(manager, principal.tenantId, read, current, plan, request, resourceRows)];
      problems.sort((a, b) => a.line - b.line || a.column - b.column);
      if (problems.length || request.dryRun) return { problems, plan: problems.length ? NO_PLAN : plan, applied: false };
      await this.write(manager, principal, doc, current, plan, request.secrets ?? {}, vantageIds, onCall);
      await this.remember(manager, principal, doc);
      return { problems: [], plan, applied: true };
    });
    // After the commit, as the dashboard's save does: the members' check of each resource the apply wrote.
    if (outcome.applied) {
      const written = outcome.plan.changes.filter((c) => c.kind === 'resources' && (c.action === 'create' || c.action === 'update')).map((c) => c.key);
      await this.memberChecks.checkNamed(principal.tenantId, written);
    }
    return outcome;
  }

  /** The tenant's fleet as a document (for `vigia export`): secrets as references, never values. */
  async export(principal: Principal): Promise<FleetDocument> {
    const doc = await this.bulkhead.run(principal.tenantId, () => this.tx.run(async (manager) => (await this.state(manager, principal.tenantId)).current.doc));
    // Who is primary is a failover's to change: an exported file does not write it (applying it later would move it back).
    for (const resource of doc.resources) delete resource.primary;
    return doc;
  }

  private async state(manager: EntityManager, tenantId: string): Promise<{ current: CurrentFleet; applied: Map<string, AppliedRecord>; vantageIds: Map<string, string>; resourceRows: Map<string, FleetResourceRow>; scheduleIds: Map<string, string> }> {
    const [snapshot, windows, targets, assignments, usable, records, defaults] = await Promise.all([
      this.inventory.snapshot(tenantId, manager), this.maintenance.windows(manager, tenantId), this.sla.targets(manager, tenantId),
      this.vantages.assignmentsOf(manager, tenantId), this.vantages.usable(manager, tenantId), manager.find(FleetApplied, { where: { tenantId } }),
      this.vantages.defaultsOf(manager, tenantId),
    ]);
    const runbooks = await this.runbooks.runbooks(manager, tenantId);
    const policies = await this.alerts.policies(manager, tenantId);
    // The names of the schedules and people the policies page, from their owners (oncall, tenancy).
    const scheduleIds = await this.schedules.scheduleIdsByName(tenantId, manager);
    const scheduleNames = new Map([...scheduleIds].map(([name, id]) => [id, name]));
    const people = await this.people.of(tenantId, policies.flatMap((p) => p.steps.flatMap((s) => s.userIds ?? [])), manager);
    const alerts = { channels: await this.alerts.channels(manager, tenantId), policies, scheduleNames, personEmails: new Map([...people].map(([id, p]) => [id, p.email])) };
    const resources = await this.resources.resources(manager, tenantId);
    const vantageNames = new Map([...usable].map(([name, id]) => [id, name]));
    const applied = new Map(records.map((r) => [appliedKey(r.kind as FleetSection, r.key), r]));
    return { current: currentFleet(snapshot, new Map(records.map((r) => [appliedKey(r.kind as FleetSection, r.key), r.spec])), windows, targets, { assignments, names: vantageNames, defaults }, runbooks, alerts, resources), applied, vantageIds: usable, resourceRows: new Map(resources.map((r) => [r.name, r])), scheduleIds };
  }

  /**
   * Drift's "who" where its owner records none: the last change of the object through the API since the apply that
   * wrote it, from tenancy's audit trail (every successful mutation: who, which, on which object). A change made by
   * anything but the API (none today) or before the apply leaves it unknown.
   */
  private async whoChanged(tenantId: string, plan: FleetPlan, current: CurrentFleet, applied: Map<string, AppliedRecord>): Promise<void> {
    const unknown = plan.drift.filter((d) => !d.changedBy);
    if (!unknown.length) return;
    const idOf = (kind: FleetSection, key: string): string | undefined => current.ids[kind].get(key);
    const changes = await this.audit.lastChanges(tenantId, unknown.map((d) => idOf(d.kind, d.key)).filter((id): id is string => !!id));
    const tenantWide = unknown.some((d) => d.kind === 'tenant') ? await this.audit.lastOfAction(tenantId, 'setVantageDefaults') : undefined;
    for (const d of unknown) {
      const id = idOf(d.kind, d.key);
      const change = d.kind === 'tenant' ? tenantWide : id ? changes.get(id) : undefined;
      const appliedAt = applied.get(appliedKey(d.kind, d.key))?.appliedAt;
      if (change && (!appliedAt || change.at.getTime() >= appliedAt.getTime())) d.changedBy = change.by;
    }
  }

  /** The tenant's schedules by name (read once, with the state), and the people the file's policies name, by e-mail (enabled users only). */
  private async onCallNames(tenantId: string, doc: FleetDocument, schedules: Map<string, string>): Promise<OnCallNames> {
    const emails = doc.escalation.flatMap((p) => p.steps.flatMap((s) => s.people));
    const people = await this.people.byEmails(tenantId, emails);
    return { schedules, people: new Map([...people].map(([email, p]) => [email, p.id])) };
  }

  /** What only the server can check: the tenant's credentials, its egress policy, the probe kinds' own rules, secret values. */
  private check(principal: Principal, read: ReadFleet, current: CurrentFleet, plan: FleetPlan, request: FleetRequest): LocatedProblem[] {
    const { tenantId } = principal;
    const doc = read.document!;
    const problems: LocatedProblem[] = [];
    const add = (path: (string | number)[], message: string) => problems.push(read.source.place({ path, message }, fieldWords(doc, { path, message })));
    doc.hosts.forEach((host, i) => {
      if (host.ssh.credential && !current.credentialIds.has(host.ssh.credential)) add(['hosts', i, 'ssh', 'credential'], `SSH credential ${host.ssh.credential} does not exist in this tenant (create it in the dashboard: its key never travels in a file)`);
      host.addresses.forEach((address, j) => {
        const refused = this.inventory.addressRefusal(tenantId, address);
        if (refused) add(['hosts', i, 'addresses', j], refused);
      });
    });
    const writing = new Set(plan.changes.filter((c) => c.kind === 'monitors' && (c.action === 'create' || c.action === 'update')).map((c) => c.key));
    doc.monitors.forEach((monitor, i) => {
      const problem = this.inventory.configProblem(tenantId, monitor.type, withSecrets(monitor, () => SEALED));
      if (problem) add(['monitors', i, ...problem.field.split('.')], problem.message);
      const key = fleetKey('monitors', monitor);
      if (request.dryRun || !writing.has(key)) return;
      for (const slot of secretSlots(monitor.type, monitor.config)) {
        if (isSecretRef(slot.value) && request.secrets?.[key]?.[slot.path.join('.')] === undefined && !current.ids.monitors.has(key)) {
          add(['monitors', i, 'config', ...slot.path], `the value of ${JSON.stringify(slot.value)} was not sent (the CLI reads it from the environment or the secrets file)`);
        }
      }
    });
    // Setting an SLA target takes an admin in the API (setSlaTarget): so it does through a file.
    const slaChanges = new Set(plan.changes.filter((c) => c.kind === 'customers' && c.fields.some((f) => isSlaField(f.field))).map((c) => c.key));
    doc.customers.forEach((customer, i) => {
      const problem = customer.sla ? this.sla.problem(customer.sla.target) : undefined;
      if (problem) add(['customers', i, 'sla', 'target'], problem);
      else if (!request.dryRun && slaChanges.has(customer.name) && !roleAtLeast(principal.role, Role.admin)) add(['customers', i, 'sla'], 'changing an SLA target takes the admin role (as in the dashboard)');
    });
    doc.runbooks.forEach((runbook, i) => {
      // setRunbookSchedule's rule (its resource is one of the file: checked when read).
      const scheduleProblem = runbook.schedule ? this.runbooks.scheduleProblem(runbook.schedule.everyMinutes) : undefined;
      if (scheduleProblem) add(['runbooks', i, 'schedule', 'everyMinutes'], scheduleProblem);
      if (runbook.source === undefined) return add(['runbooks', i, 'file'], `the text of ${runbook.file} was not sent (the CLI reads it beside the fleet file and sends it)`);
      // Runbooks' own parser (that of createRunbook): each problem with its place in the runbook's document.
      const checked = this.runbooks.check(runbook.source);
      for (const e of checked.errors) add(['runbooks', i, 'source'], `${e.path}: ${e.message}`);
      if (checked.name !== undefined && checked.name !== runbook.name) add(['runbooks', i, 'name'], `the runbook's source names it ${checked.name}: the two names must be the same`);
    });
    doc.maintenance.forEach((window, i) => {
      // Detection's rules (createMaintenanceWindow's): the names stand in for ids, only whether there are any counts.
      const problem = this.maintenance.problem(windowParts(window, window.hosts, window.services, window.monitors));
      if (problem) add(['maintenance', i, WINDOW_FIELD[problem.field]], problem.message);
    });
    return problems;
  }

  /** Vantage assignments that change: names the tenant may use, and setMonitorVantages' rules (quorum, count). */
  private async checkVantages(principal: Principal, read: ReadFleet, plan: FleetPlan, vantageIds: Map<string, string>, request: FleetRequest): Promise<LocatedProblem[]> {
    const doc = read.document!;
    const problems: LocatedProblem[] = [];
    const add = (path: (string | number)[], message: string) => problems.push(read.source.place({ path, message }, fieldWords(doc, { path, message })));
    const changing = new Set(plan.changes.filter((c) => (c.kind === 'monitors' || c.kind === 'tenant') && c.fields.some((f) => isVantageField(f.field))).map((c) => `${c.kind}:${c.key}`));
    const check = async (at: (string | number)[], wanted: FleetVantages) => {
      const unknown = (wanted.from ?? []).map((name, j) => [name, j] as const).filter(([name]) => !vantageIds.has(name));
      // Names of this tenant's and the platform's live vantages only: another tenant's is "not one this tenant can use".
      for (const [name, j] of unknown) add([...at, 'vantages', 'from', j], `vantage ${name} is not one this tenant can use (the platform's and its own live vantages)`);
      if (unknown.length) return;
      const problem = await this.vantages.problem(principal, { vantageIds: wanted.from?.map((n) => vantageIds.get(n)!) ?? null, quorum: wanted.quorum, count: wanted.count });
      if (problem) add([...at, 'vantages', ...vantagePath(problem.field)], problem.message);
    };
    for (const [i, monitor] of doc.monitors.entries()) {
      if (monitor.vantages && changing.has(`monitors:${fleetKey('monitors', monitor)}`)) await check(['monitors', i], monitor.vantages);
    }
    // The tenant's default: setVantageDefaults' rules (the same as a monitor's), and its role (admin), as in the API.
    const tenant = doc.tenant[0];
    if (tenant?.vantages !== undefined && changing.has('tenant:tenant')) {
      if (!request.dryRun && !roleAtLeast(principal.role, Role.admin)) add(['tenant', 0, 'vantages'], 'changing the tenant\'s default vantages takes the admin role (as in the dashboard)');
      if (tenant.vantages) await check(['tenant', 0], tenant.vantages);
    }
    return problems;
  }

  /** A runbook a resource uses is not deleted (as deleteRunbook refuses): detach it, or change the resource first. */
  private async runbooksInUse(manager: EntityManager, tenantId: string, read: ReadFleet, current: CurrentFleet, plan: FleetPlan): Promise<LocatedProblem[]> {
    const deleting = plan.changes.filter((c) => c.kind === 'runbooks' && c.action === 'delete');
    const used = await this.runbooks.usedBy(manager, tenantId, deleting.map((c) => current.ids.runbooks.get(c.key)!));
    // A resource this apply deletes, or rebinds to another runbook, no longer holds it.
    const deletedResources = new Set(plan.changes.filter((c) => c.kind === 'resources' && c.action === 'delete').map((c) => c.key));
    const stillUses = (resource: string, runbook: string) => {
      if (deletedResources.has(resource)) return false;
      const inFile = read.document!.resources.find((r) => r.name === resource);
      return !inFile || inFile.runbook === runbook || inFile.recoveryRunbook === runbook;
    };
    return deleting.filter((c) => used.has(current.ids.runbooks.get(c.key)!) && stillUses(used.get(current.ids.runbooks.get(c.key)!)!, c.key)).map((c) => read.source.place(
      { path: ['runbooks'], message: `runbook ${c.key} is no longer in the file but resource ${used.get(current.ids.runbooks.get(c.key)!)} uses it: it cannot be deleted (apply with --prune=false, or change the resource first)` },
      'runbooks',
    ));
  }

  /**
   * Channels and escalation policies by alerts' own rules (the API's): each kind's config and secret, a policy's
   * steps, the schedules and people they name (existing in the tenant); the admin role, as in the API; a channel a
   * policy still pages is not deleted.
   */
  private async checkAlerts(manager: EntityManager, principal: Principal, read: ReadFleet, current: CurrentFleet, plan: FleetPlan, request: FleetRequest, onCall: OnCallNames): Promise<LocatedProblem[]> {
    const { tenantId } = principal;
    const doc = read.document!;
    const problems: LocatedProblem[] = [];
    const add = (path: (string | number)[], message: string) => problems.push(read.source.place({ path, message }, fieldWords(doc, { path, message })));
    const changing = (kind: 'channels' | 'escalation') => new Map(plan.changes.filter((c) => c.kind === kind).map((c) => [c.key, c.action]));
    const channelChanges = changing('channels');
    const policyChanges = changing('escalation');
    const admin = roleAtLeast(principal.role, Role.admin);
    for (const [i, channel] of doc.channels.entries()) {
      const action = channelChanges.get(channel.name);
      if (!request.dryRun && action && !admin) add(['channels', i], 'changing alert channels takes the admin role (as in the dashboard)');
      const value = request.secrets?.[channelSecretKey(channel.name)]?.secret;
      if (!request.dryRun && action === 'create' && channel.secret && value === undefined) add(['channels', i, 'secret'], `the value of ${JSON.stringify(channel.secret)} was not sent (the CLI reads it from the environment or the secrets file)`);
      const problem = await this.alerts.channelProblem(manager, tenantId, { type: channel.type, config: channel.config, secret: value, hasSecret: channel.secret !== null }, current.ids.channels.get(channel.name));
      if (problem) add(['channels', i, ...problem.field.split('.')], problem.message);
    }
    for (const [i, policy] of doc.escalation.entries()) {
      const action = policyChanges.get(policy.name);
      if (!request.dryRun && action && !admin) add(['escalation', i], 'changing escalation policies takes the admin role (as in the dashboard)');
      // Its steps' schedules and people are not in the file (an export leaves them out): checked only if changed.
      // Schedules and people are the tenant's, looked up through their owners' ports (oncall, tenancy): a name of
      // another tenant's is not found, as one that does not exist.
      for (const [j, step] of policy.steps.entries()) {
        for (const [k, name] of step.schedules.entries()) {
          if (!onCall.schedules.has(name)) add(['escalation', i, 'steps', j, 'schedules', k], `on-call schedule ${name} was not found in this tenant (schedules are made in the dashboard)`);
        }
        for (const [k, email] of step.people.entries()) {
          if (!onCall.people.has(email.toLowerCase())) add(['escalation', i, 'steps', j, 'people', k], `person ${email} was not found among this tenant's users (or is disabled)`);
        }
      }
      const problem = this.alerts.policyProblem(policyRules(policy, policy.match.customers, (step) => step.channels, (step) => step.schedules, (step) => step.people));
      if (problem) add(['escalation', i, ...policyPath(problem.field)], problem.message);
    }
    const deleting = plan.changes.filter((c) => c.kind === 'channels' && c.action === 'delete');
    if (deleting.length && !admin && !request.dryRun) add(['channels'], 'deleting alert channels takes the admin role (as in the dashboard)');
    // Policies of the file name only the file's channels (checked when read); those the apply deletes page nothing.
    const except = [...doc.escalation.map((p) => current.ids.escalation.get(p.name)), ...[...policyChanges].filter(([, a]) => a === 'delete').map(([k]) => current.ids.escalation.get(k))].filter((id): id is string => !!id);
    const used = await this.alerts.policiesUsing(manager, tenantId, deleting.map((c) => current.ids.channels.get(c.key)!), except);
    for (const c of deleting) {
      const by = used.get(current.ids.channels.get(c.key)!);
      if (by) add(['channels'], `channel ${c.key} is no longer in the file but escalation policy ${by.join(', ')} pages it: it cannot be deleted (apply with --prune=false, or change the policy first)`);
    }
    return problems;
  }

  /**
   * Resources by runbooks' rules (the API's: the kind's settings, egress, the tenant-own folder, its secrets' names,
   * the built-in failover's required settings, the current primary kept); secret values sent for new references; a
   * resource with an active run is not deleted (as deleteResource refuses).
   */
  private async checkResources(manager: EntityManager, tenantId: string, read: ReadFleet, current: CurrentFleet, plan: FleetPlan, request: FleetRequest, rows: Map<string, FleetResourceRow>): Promise<LocatedProblem[]> {
    const doc = read.document!;
    const problems: LocatedProblem[] = [];
    const add = (path: (string | number)[], message: string) => problems.push(read.source.place({ path, message }, fieldWords(doc, { path, message })));
    const changing = new Map(plan.changes.filter((c) => c.kind === 'resources').map((c) => [c.key, c.action]));
    for (const [i, resource] of doc.resources.entries()) {
      const existing = rows.get(resource.name);
      // A host the apply creates has no id yet: a stand-in of the id's shape while the settings are checked.
      const hostId = (name: string) => current.ids.hosts.get(name) ?? NEW_ID;
      const problem = await this.resources.problem(manager, tenantId, {
        kind: resource.kind, config: resourceConfig(resource, hostId), secretNames: Object.keys(resource.secrets), builtinFailure: resource.runbook === null,
        primaryHostId: resource.primary === undefined ? undefined : hostId(resource.primary), memberHostIds: resource.members.map((m) => hostId(m.host)),
      }, existing);
      if (problem) add(['resources', i, ...problem.field.split('.')], problem.message);
      if (request.dryRun || !changing.has(resource.name)) continue;
      for (const [secret, ref] of Object.entries(resource.secrets)) {
        const sent = request.secrets?.[resourceSecretKey(resource.name)]?.[secret] !== undefined;
        if (!sent && !existing?.secretNames.includes(secret)) add(['resources', i, 'secrets', secret], `the value of ${JSON.stringify(ref)} was not sent (the CLI reads it from the environment or the secrets file)`);
      }
    }
    const deleting = plan.changes.filter((c) => c.kind === 'resources' && c.action === 'delete');
    const active = await this.resources.activeRuns(manager, tenantId, deleting.map((c) => current.ids.resources.get(c.key)!));
    for (const c of deleting) {
      const run = active.get(current.ids.resources.get(c.key)!);
      if (run) add(['resources'], `resource ${c.key} is no longer in the file but has an active run (${run}): it cannot be deleted until the run ends or is aborted (or apply with --prune=false)`);
    }
    return problems;
  }

  /** Resources once their hosts, monitors and runbooks exist; removed ones before those go (called by write). */
  private async writeResources(manager: EntityManager, principal: Principal, doc: FleetDocument, current: CurrentFleet, plan: FleetPlan, secrets: Record<string, Record<string, string>>, id: (kind: 'hosts' | 'monitors' | 'runbooks' | 'resources', key: string) => string): Promise<void> {
    const { tenantId } = principal;
    const ids = { hosts: { get: (k: string) => id('hosts', k) }, monitors: { get: (k: string) => id('monitors', k) }, runbooks: { get: (k: string) => id('runbooks', k) } };
    const of = (action: FleetChange['action']) => plan.changes.filter((c) => c.kind === 'resources' && c.action === action);
    for (const c of of('delete')) await this.resources.remove(manager, tenantId, current.ids.resources.get(c.key)!);
    const resources = new Map(doc.resources.map((r) => [r.name, r]));
    for (const c of [...of('create'), ...of('update')]) {
      const r = resources.get(c.key)!;
      const exists = c.action === 'update';
      const runbookId = (name: string | null) => (name === null ? null : ids.runbooks.get(name) ?? null);
      await this.resources.save(manager, tenantId, { id: id('resources', c.key), exists }, {
        name: r.name, kind: r.kind, config: resourceConfig(r, (h) => ids.hosts.get(h)!),
        members: r.members.map((m) => ({ hostId: ids.hosts.get(m.host)!, monitorIds: m.monitors.map((k) => ids.monitors.get(k)!), weight: m.weight, value: m.value })),
        primaryHostId: r.primary === undefined ? undefined : ids.hosts.get(r.primary)!,
        approvalRequired: r.approvalRequired, cooldownMinutes: r.cooldownMinutes, failback: r.failback, failbackHoldSeconds: r.failbackHoldSeconds, requireFencing: r.requireFencing,
        runbookId: runbookId(canonicalRunbook(r, 'runbook')), recoveryRunbookId: runbookId(canonicalRunbook(r, 'recoveryRunbook')),
        secrets: { names: Object.keys(r.secrets), values: secrets[resourceSecretKey(r.name)] ?? {} },
      }, `fleet apply (${appliedByOf(principal)})`);
    }
  }

  private async write(manager: EntityManager, principal: Principal, doc: FleetDocument, current: CurrentFleet, plan: FleetPlan, secrets: Record<string, Record<string, string>>, vantageIds: Map<string, string>, onCall: OnCallNames): Promise<void> {
    const { tenantId } = principal;
    const created = new Map<string, string>();
    // An object's id: the stored one, or the one this apply created (any section).
    const id = (kind: FleetSection, key: string): string => current.ids[kind].get(key) ?? created.get(`${kind}:${key}`)!;
    const byKey = (kind: FleetSection) => new Map((doc[kind] as FleetObject[]).map((o) => [fleetKey(kind, o), o]));
    const of = (kind: FleetSection, action: FleetChange['action']) => plan.changes.filter((c) => c.kind === kind && c.action === action);
    for (const c of plan.changes) if (c.action === 'create') created.set(`${c.kind}:${c.key}`, this.inventory.newId());

    for (const kind of INVENTORY_SECTIONS) {
      const objects = byKey(kind);
      const rowOf = (key: string): Record<string, unknown> => {
        const object = objects.get(key)!;
        const row: Record<string, unknown> = (inventoryRows[kind] as (o: FleetObject, id: IdOf) => Record<string, unknown>)(object, id);
        if (kind === 'monitors') Object.assign(row, this.sealed(id('monitors', key), object as FleetMonitor, secrets[key] ?? {}, current));
        if (kind === 'hosts') row.sshCredentialId = credentialOf(object as FleetHost, current);
        if (kind === 'customers' && 'monthlyReports' in row) row.monthlyReportsSince = row.monthlyReports ? this.clock.now() : null;
        return row;
      };
      const creates = of(kind, 'create');
      await this.inventory.insert(manager, kind as InventoryKind, tenantId, creates.map((c) => ({ id: id(kind, c.key), ...rowOf(c.key) })));
      for (const c of of(kind, 'update')) {
        // Only the SLA target changed: that is reports' row (below), the customer's own stays as it is.
        if (kind === 'customers' && c.fields.every((f) => isSlaField(f.field))) continue;
        // Only the vantages changed: that is vantages' row (below), which marks the monitor changed itself.
        if (kind === 'monitors' && c.fields.every((f) => isVantageField(f.field))) continue;
        const row = rowOf(c.key);
        // Stamped only when switched: an unchanged "on" keeps the month it began.
        if (kind === 'customers' && !c.fields.some((f) => f.field === 'monthlyReports')) delete row.monthlyReportsSince;
        await this.inventory.update(manager, kind as InventoryKind, tenantId, id(kind as never, c.key), row);
      }
      if (kind === 'hosts') {
        // Jump hosts once every host of the file exists (one may reach another created in the same apply).
        for (const c of [...creates, ...of(kind, 'update')]) {
          const jump = (objects.get(c.key) as { ssh: { jumpHost: string | null } }).ssh.jumpHost;
          await this.inventory.update(manager, 'hosts', tenantId, id('hosts', c.key), { sshJumpHostId: jump ? id('hosts', jump) : null });
        }
      }
      if (kind === 'services') {
        for (const c of [...creates, ...of(kind, 'update').filter((u) => u.fields.some((f) => f.field === 'customers'))]) {
          const service = objects.get(c.key) as { customers: string[] };
          await this.inventory.setServiceCustomers(manager, tenantId, id('services', c.key), service.customers.map((name) => id('customers', name)));
        }
      }
    }
    // SLA targets (reports') once their customers exist; a file that omits `sla` leaves the customer's target alone.
    const customers = byKey('customers') as Map<string, FleetCustomer>;
    for (const c of [...of('customers', 'create'), ...of('customers', 'update')]) {
      const sla = customers.get(c.key)!.sla;
      if (sla === undefined || (c.action === 'update' && !c.fields.some((f) => isSlaField(f.field)))) continue;
      if (sla === null) await this.sla.remove(manager, tenantId, id('customers', c.key));
      else await this.sla.set(manager, tenantId, id('customers', c.key), sla.target, { degradedCountsAsDown: sla.degradedCountsAsDown, suspectCountsAsDown: sla.suspectCountsAsDown, unobserved: sla.unobserved, customerCombination: sla.customerCombination });
    }
    // Vantage assignments (vantages') once their monitors exist; a monitor that omits `vantages` keeps its own.
    const monitors = byKey('monitors') as Map<string, FleetMonitor>;
    for (const c of [...of('monitors', 'create'), ...of('monitors', 'update')]) {
      const wanted = monitors.get(c.key)!.vantages;
      if (wanted === undefined || (c.action === 'update' && !c.fields.some((f) => isVantageField(f.field)))) continue;
      const monitorId = id('monitors', c.key);
      await this.vantages.set(manager, tenantId, monitorId, wanted && { vantageIds: wanted.from?.map((n) => vantageIds.get(n)!) ?? null, quorum: wanted.quorum, count: wanted.count });
      // The watchdogs reload a monitor when its row changes (as setMonitorVantages touches it).
      await this.inventory.update(manager, 'monitors', tenantId, monitorId, {});
    }
    // The tenant's default assignment (vantages'), as setVantageDefaults stores it; `tenant:` without `vantages` keeps it.
    const tenant = doc.tenant[0];
    if (tenant?.vantages !== undefined && plan.changes.some((c) => c.kind === 'tenant' && c.fields.some((f) => isVantageField(f.field)))) {
      await this.vantages.setDefaults(manager, tenantId, tenant.vantages && { vantageIds: tenant.vantages.from?.map((n) => vantageIds.get(n)!) ?? null, quorum: tenant.vantages.quorum, count: tenant.vantages.count });
    }
    // Runbooks (runbooks'): every change a new version, by whoever applied the file.
    const runbooks = byKey('runbooks') as Map<string, FleetRunbook>;
    for (const c of [...of('runbooks', 'create'), ...of('runbooks', 'update')]) {
      // Only the schedule changed: no new version (below, as setRunbookSchedule leaves the versions alone).
      if (c.action === 'update' && c.fields.every((f) => isScheduleField(f.field))) continue;
      await this.runbooks.save(manager, tenantId, { id: id('runbooks', c.key), exists: c.action === 'update' }, runbooks.get(c.key)!.source!, `fleet apply (${appliedByOf(principal)})`);
    }
    // Resources once their hosts, monitors and runbooks exist, and before the runbooks they no longer use go.
    await this.writeResources(manager, principal, doc, current, plan, secrets, id);
    // Runbooks' schedules once the resources they are for exist; a runbook that omits `schedule` keeps its own.
    for (const c of [...of('runbooks', 'create'), ...of('runbooks', 'update')]) {
      const schedule = runbooks.get(c.key)!.schedule;
      if (schedule === undefined || (c.action === 'update' && !c.fields.some((f) => isScheduleField(f.field)))) continue;
      const resourceId = schedule?.resource ? id('resources', schedule.resource) : null;
      await this.runbooks.setSchedule(manager, tenantId, id('runbooks', c.key), schedule && { everyMinutes: schedule.everyMinutes, resourceId }, this.clock.now());
    }
    for (const c of of('runbooks', 'delete')) await this.runbooks.remove(manager, tenantId, current.ids.runbooks.get(c.key)!);
    // Maintenance windows after the objects they name exist, and removed before those go.
    const windows = byKey('maintenance') as Map<string, FleetMaintenance>;
    const windowOf = (key: string): FleetWindow => {
      const w = windows.get(key)!;
      return windowParts(w, w.hosts.map((h) => id('hosts', h)), w.services.map((s) => id('services', s)), w.monitors.map((m) => id('monitors', m)));
    };
    for (const c of of('maintenance', 'delete')) await this.maintenance.remove(manager, tenantId, current.ids.maintenance.get(c.key)!);
    await this.maintenance.insert(manager, tenantId, of('maintenance', 'create').map((c) => ({ ...windowOf(c.key), id: id('maintenance', c.key) })));
    for (const c of of('maintenance', 'update')) await this.maintenance.update(manager, tenantId, current.ids.maintenance.get(c.key)!, windowOf(c.key));
    // Channels before the policies that page them; policies removed before the channels they paged go.
    const channels = byKey('channels') as Map<string, FleetChannel>;
    for (const c of [...of('channels', 'create'), ...of('channels', 'update')]) {
      const channel = channels.get(c.key)!;
      // A reference whose value was not sent keeps the sealed secret (the API's update does the same).
      const value = secrets[channelSecretKey(c.key)]?.secret;
      await this.alerts.saveChannel(manager, tenantId, { id: id('channels', c.key), exists: c.action === 'update' }, {
        name: channel.name, type: channel.type, config: channel.config, enabled: channel.enabled, secret: channel.secret === null ? null : value,
      });
    }
    await this.alerts.removePolicies(manager, tenantId, of('escalation', 'delete').map((c) => current.ids.escalation.get(c.key)!));
    const policies = byKey('escalation') as Map<string, FleetEscalation>;
    for (const c of [...of('escalation', 'create'), ...of('escalation', 'update')]) {
      const policy = policies.get(c.key)!;
      const rules = policyRules(policy, policy.match.customers.map((n) => id('customers', n)), (step) => step.channels.map((n) => id('channels', n)),
        (step) => step.schedules.map((n) => onCall.schedules.get(n)!), (step) => step.people.map((e) => onCall.people.get(e.toLowerCase())!));
      await this.alerts.savePolicy(manager, tenantId, { id: id('escalation', c.key), exists: c.action === 'update' }, {
        name: policy.name, match: rules.match!, steps: rules.steps, priority: policy.priority, repeatMinutes: policy.repeatMinutes, quietHours: policy.quietHours,
      });
    }
    await this.alerts.removeChannels(manager, tenantId, of('channels', 'delete').map((c) => current.ids.channels.get(c.key)!));
    for (const kind of DELETE_ORDER) for (const c of of(kind, 'delete')) await this.inventory.remove(manager, kind, tenantId, current.ids[kind].get(c.key)!);
  }

  /** A monitor's stored config: credentials from the request sealed, or the stored ones kept when none was sent. */
  private sealed(monitorId: string, monitor: FleetMonitor, values: Record<string, string>, current: CurrentFleet): { config: Record<string, unknown>; secretsSealed: string | null } {
    const config = withSecrets(monitor, (path) => values[path.join('.')] ?? SEALED);
    const row = current.monitorRows.get(fleetKey('monitors', monitor));
    const stored = row && row.type === monitor.type ? this.inventory.monitorSecrets(row) : {};
    return this.inventory.sealMonitorConfig(monitorId, monitor.type, config, stored);
  }

  private async remember(manager: EntityManager, principal: Principal, doc: FleetDocument): Promise<void> {
    const appliedAt = this.clock.now();
    const appliedBy = appliedByOf(principal);
    const rows = FLEET_SECTIONS.flatMap((kind) => (doc[kind] as FleetObject[]).map((o) => ({
      tenantId: principal.tenantId, kind, key: fleetKey(kind, o), digest: digestOf(kind, o), spec: canonical(kind, o), appliedAt, appliedBy,
    })));
    for (let i = 0; i < rows.length; i += 500) await manager.upsert(FleetApplied, rows.slice(i, i + 500) as QueryDeepPartialEntity<FleetApplied>[], ['tenantId', 'kind', 'key']);
    await manager.query(`DELETE FROM fleet_applied WHERE tenant_id = $1 AND NOT (kind || ':' || key = ANY($2::text[]))`, [principal.tenantId, rows.map((r) => `${r.kind}:${r.key}`)]);
  }
}

/** The monitor's config with each secret reference replaced by `value(path)`. */
function withSecrets(monitor: FleetMonitor, value: (path: string[]) => string): Record<string, unknown> {
  const config = structuredClone(monitor.config);
  for (const slot of secretSlots(monitor.type, config)) if (isSecretRef(dig(config, slot.path))) place(config, slot.path, value(slot.path));
  return config;
}

const channelSecretKey = (name: string): string => `channel:${name}`;
const resourceSecretKey = (name: string): string => `resource:${name}`;

/** A resource's config with the settings naming hosts as ids (`hostId` of a name). */
function resourceConfig(resource: FleetResource, hostId: (name: string) => string): Record<string, unknown> {
  const config = structuredClone(resource.config);
  for (const key of fleetResourceKind(resource.kind)?.hostFields ?? []) if (typeof config[key] === 'string') config[key] = hostId(config[key]);
  return config;
}

/** The runbook a resource names, the kind's built-in as null (bound by default, installed if missing). */
function canonicalRunbook(resource: FleetResource, field: 'runbook' | 'recoveryRunbook'): string | null {
  const kind = fleetResourceKind(resource.kind);
  const builtin = field === 'runbook' ? kind?.builtinFailure : kind?.builtinRecovery;
  return resource[field] === builtin ? null : resource[field];
}

type FleetStep = FleetEscalation['steps'][number];

/**
 * A file's policy in alerts' terms: its customers, and each step's channels, schedules and people as the functions
 * give them (ids to store, names to check); a step's schedules and people only when it has some, as the API stores it.
 */
function policyRules(policy: FleetEscalation, customers: string[], channels: (step: FleetStep) => string[], schedules: (step: FleetStep) => string[], people: (step: FleetStep) => string[]) {
  const { severities, serviceTypes, hostTags } = policy.match;
  const match = { ...(severities.length ? { severities } : {}), ...(serviceTypes.length ? { serviceTypes } : {}), ...(customers.length ? { customerIds: customers } : {}), ...(hostTags.length ? { hostTags } : {}) };
  const steps = policy.steps.map((step) => {
    const scheduleIds = schedules(step);
    const userIds = people(step);
    return { delayMinutes: step.delayMinutes, channelIds: channels(step), ...(scheduleIds.length ? { scheduleIds } : {}), ...(userIds.length ? { userIds } : {}) };
  });
  return { match, steps, priority: policy.priority, repeatMinutes: policy.repeatMinutes, quietHours: policy.quietHours };
}

/** The tenant's on-call schedules by name and the people a file names by (lower-case) e-mail, with their ids. */
interface OnCallNames {
  schedules: Map<string, string>;
  people: Map<string, string>;
}

/** A policy problem's field (alerts' words: `steps[1].channelIds`) as a path in the file (`steps`, 1, `channels`). */
function policyPath(field: string): (string | number)[] {
  const words: Record<string, string> = { channelIds: 'channels', customerIds: 'customers', scheduleIds: 'schedules', userIds: 'people' };
  return field.split(/\.|(?=\[)/).flatMap((part): (string | number)[] => {
    const at = /^\[(\d+)\]$/.exec(part);
    return at ? [Number(at[1])] : [words[part] ?? part];
  });
}

const appliedByOf = (principal: Principal): string => (principal.kind === 'token' ? `token:${principal.tokenId}` : `user:${principal.userId}`);
const isSlaField = (field: string): boolean => field === 'sla' || field.startsWith('sla.');
const isVantageField = (field: string): boolean => field === 'vantages' || field.startsWith('vantages.');
const isScheduleField = (field: string): boolean => field === 'schedule' || field.startsWith('schedule.');
/** A vantages problem's field (`vantageIds[1]`, `quorum`) as a path in the file (`from`, 1). */
function vantagePath(field: string): (string | number)[] {
  const at = /^vantageIds\[(\d+)\]$/.exec(field);
  return at ? ['from', Number(at[1])] : field === 'vantageIds' ? ['from'] : [field];
}

/** A document's window in detection's terms, with the ids (or, for checking, the names) it covers. */
function windowParts(w: FleetMaintenance, hostIds: string[], serviceIds: string[], monitorIds: string[]): FleetWindow {
  return { name: w.name, startsAt: windowInstant(w.from, w.timeZone), endsAt: windowInstant(w.until, w.timeZone), recurrence: w.recurrence, timeZone: w.timeZone, hostIds, serviceIds, monitorIds };
}

function credentialOf(host: FleetHost, current: CurrentFleet): string | null {
  return host.ssh.credential ? current.credentialIds.get(host.ssh.credential) ?? null : null;
}

/**
 * The CLI sends the data it read as JSON (fast to parse; it places problems by their path in its own file); any other
 * client may send the YAML text itself, and gets lines and columns from here.
 */
function readRequest(request: FleetRequest): ReadFleet {
  if (request.text.trimStart().startsWith('{')) {
    try {
      return readFleetData(JSON.parse(request.text), new DataSource(request.file));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return readFleet(request.file, request.text);
}
