import { Injectable } from '@nestjs/common';
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { EntityManager } from 'typeorm';
import { VigiaException } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import type { Principal } from '#lib/tenancy';
import { CustomersService } from './customers.service.js';
import { type PurgeInput, PurgeKind } from './graphql/inventory.inputs.js';
import { HostsService } from './hosts.service.js';
import { MonitorsService } from './monitors.service.js';
import { PurgeParticipants } from './purge-participants.js';
import { ServicesService } from './services.service.js';
import { detachDeletedHosts } from './soft-delete.js';

@ObjectType({ description: 'What a purge removed for good' })
export class PurgeResult {
  @Field(() => PurgeKind) kind: PurgeKind;
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => Int) monitors: number;
  @Field(() => Int) services: number;
  @Field(() => Int, { description: 'Service-customer link periods' }) links: number;
  @Field(() => Int) incidents: number;
  @Field(() => Int) stateChanges: number;
  @Field({ description: 'The consequence, in words' }) message: string;
}

interface Scope {
  name: string;
  monitorIds: string[];
  serviceIds: string[];
  /** Which link periods go: those of the purged services, or of the purged customer. */
  links: { column: 'service_id' | 'customer_id'; ids: string[] };
}

/**
 * The one way to really remove a monitor, service, host or customer with its history (incidents, state changes,
 * rollups, link periods), for an owner who says so. Reports over past periods change: they no longer count it.
 */
@Injectable()
export class PurgeService {
  constructor(
    private readonly monitors: MonitorsService,
    private readonly services: ServicesService,
    private readonly hosts: HostsService,
    private readonly customers: CustomersService,
    private readonly tx: TransactionRunner,
    private readonly participants: PurgeParticipants,
  ) {}

  async purge(principal: Principal, input: PurgeInput): Promise<PurgeResult> {
    if (input.confirm !== true) throw VigiaException.invalid('input.confirm', 'must be true: a purge removes history past reports counted');
    const id = await this.subjectId(principal, input);
    return this.tx.run(async (manager) => {
      const scope = await this.scopeOf(manager, principal.tenantId, input.kind, id);
      const subject = { monitorIds: scope.monitorIds, customerIds: input.kind === PurgeKind.customer ? [id] : [] };
      const counts = { ...(await this.participants.count(manager, subject)), links: await countLinks(manager, scope) };
      // History first (each owner its own rows), then the monitors: no cascade is relied on, so what is removed is what was counted.
      await this.participants.remove(manager, subject);
      await removeMonitors(manager, scope.monitorIds);
      if (input.kind === PurgeKind.host) await removeHost(manager, principal.tenantId, id);
      else if (input.kind === PurgeKind.service) await manager.query('DELETE FROM services WHERE id = $1', [id]);
      else if (input.kind === PurgeKind.customer) await removeCustomer(manager, id);
      const result = { kind: input.kind, id, name: scope.name, monitors: scope.monitorIds.length, services: scope.serviceIds.length, ...counts };
      return { ...result, message: describe(result) };
    });
  }

  private async subjectId(principal: Principal, input: PurgeInput): Promise<string> {
    const lookup = { monitor: this.monitors, service: this.services, host: this.hosts, customer: this.customers }[input.kind];
    return (await lookup.scope.getIncludingDeleted(principal, input.id, 'input.id')).id;
  }

  /** The subject, its monitors and services, deleted ones included (a purge also clears what a delete kept). */
  private async scopeOf(manager: EntityManager, tenantId: string, kind: PurgeKind, id: string): Promise<Scope> {
    const ids = async (sql: string): Promise<string[]> => ((await manager.query(sql, [id, tenantId])) as { id: string }[]).map((r) => r.id);
    const [{ name }]: { name: string }[] = await manager.query(`SELECT name FROM ${kind}s WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, [id, tenantId]);
    switch (kind) {
      case PurgeKind.monitor:
        return { name, monitorIds: [id], serviceIds: [], links: { column: 'service_id', ids: [] } };
      case PurgeKind.service:
        return { name, monitorIds: await ids('SELECT id FROM monitors WHERE service_id = $1 AND tenant_id = $2'), serviceIds: [id], links: { column: 'service_id', ids: [id] } };
      case PurgeKind.host: {
        const serviceIds = await ids('SELECT id FROM services WHERE host_id = $1 AND tenant_id = $2');
        return { name, monitorIds: await ids('SELECT id FROM monitors WHERE host_id = $1 AND tenant_id = $2'), serviceIds, links: { column: 'service_id', ids: serviceIds } };
      }
      case PurgeKind.customer:
        return { name, monitorIds: [], serviceIds: [], links: { column: 'customer_id', ids: [id] } };
    }
  }
}

async function countLinks(manager: EntityManager, scope: Scope): Promise<number> {
  const [row]: { links: number }[] = await manager.query(`SELECT count(*)::int AS links FROM service_customers WHERE ${scope.links.column} = ANY($1::uuid[])`, [scope.links.ids]);
  return row!.links;
}

async function removeMonitors(manager: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await manager.query('DELETE FROM monitors WHERE id = ANY($1::uuid[])', [ids]);
}

async function removeHost(manager: EntityManager, tenantId: string, hostId: string): Promise<void> {
  const [live]: { name: string }[] = await manager.query('SELECT name FROM hosts WHERE ssh_jump_host_id = $1 AND deleted_at IS NULL LIMIT 1', [hostId]);
  if (live) throw new VigiaException('CONFLICT', `input.id: this host is the SSH jump host of ${live.name}; change that first`, 'input.id');
  await detachDeletedHosts(manager, 'ssh_jump_host_id', hostId);
  await manager.query('DELETE FROM services WHERE host_id = $1 AND tenant_id = $2', [hostId, tenantId]);
  await manager.query('DELETE FROM hosts WHERE id = $1', [hostId]);
}

async function removeCustomer(manager: EntityManager, customerId: string): Promise<void> {
  // Its monthly-report claims went with the reports library's participant; its SLA target and link periods follow by foreign key.
  await manager.query('DELETE FROM customers WHERE id = $1', [customerId]);
}

function describe(r: Omit<PurgeResult, 'message'>): string {
  const removed = [
    r.monitors && `${r.monitors} monitor(s)`,
    r.services && `${r.services} service(s)`,
    `${r.links} customer link period(s)`,
    `${r.incidents} incident(s)`,
    `${r.stateChanges} state change(s)`,
  ].filter(Boolean);
  return `Purged ${r.kind} ${r.name}: removed it with ${removed.join(', ')}; past reports will no longer count them.`;
}
