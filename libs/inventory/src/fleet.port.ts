import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { VigiaException, withDatabaseErrors } from '#lib/common';
import { EgressPolicy } from '#lib/egress';
import type { ProbeType } from '#lib/probes';
import { SecretBox } from '#lib/secrets';
import { Customer, Host, Monitor, Service, Site, SshCredential } from './entities/index.js';
import { validateMonitorConfig } from './monitor-config.validator.js';
import { openSecrets, sealSecrets, separateSecrets } from './monitor-secrets.js';
import { ServiceLinksService } from './service-links.service.js';
import { detachDeletedHosts, softDeleteCustomer, softDeleteHost, softDeleteMonitors, softDeleteService } from './soft-delete.js';

/** The live inventory of one tenant, whole: what fleet-as-code compares a file with. */
export interface InventorySnapshot {
  sites: Site[];
  hosts: Host[];
  customers: Customer[];
  /** With the customers each serves now (link periods running now or later). */
  services: (Service & { customerIds: string[] })[];
  monitors: Monitor[];
  credentials: Pick<SshCredential, 'id' | 'name'>[];
}

export type InventoryKind = 'sites' | 'hosts' | 'customers' | 'services' | 'monitors';
const ENTITY = { sites: Site, hosts: Host, customers: Customer, services: Service, monitors: Monitor } as const;
const INSERT_BATCH = 500;

/**
 * Inventory's port for writing many objects in the caller's transaction (fleet apply: all or nothing). The checks
 * are the ones the single-object services make (monitor configs against the probe registry, the egress policy on
 * addresses, credentials sealed per monitor); the writes are inventory's own, on its own tables.
 */
@Injectable()
export class InventoryFleetPort {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly egress: EgressPolicy,
    private readonly links: ServiceLinksService,
  ) {}

  async snapshot(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<InventorySnapshot> {
    const where = { tenantId };
    const [sites, hosts, customers, services, monitors, credentials, links] = await Promise.all([
      manager.find(Site, { where, order: { name: 'ASC' } }),
      manager.find(Host, { where, order: { name: 'ASC' } }),
      manager.find(Customer, { where, order: { name: 'ASC' } }),
      manager.find(Service, { where, order: { name: 'ASC' } }),
      manager.find(Monitor, { where, order: { name: 'ASC' } }),
      manager.find(SshCredential, { where, select: { id: true, name: true } }),
      manager.query(
        `SELECT l.service_id, l.customer_id FROM service_customers l JOIN services s ON s.id = l.service_id
          WHERE s.tenant_id = $1 AND s.deleted_at IS NULL AND (l.ends_at IS NULL OR l.ends_at > now())`,
        [tenantId],
      ) as Promise<{ service_id: string; customer_id: string }[]>,
    ]);
    const byService = new Map<string, string[]>();
    for (const l of links) byService.set(l.service_id, [...(byService.get(l.service_id) ?? []), l.customer_id]);
    return { sites, hosts, customers, services: services.map((s) => Object.assign(s, { customerIds: byService.get(s.id) ?? [] })), monitors, credentials };
  }

  /** Why a host address is refused by the egress policy (as `createHost` refuses it), or undefined. */
  addressRefusal(tenantId: string, address: string): string | undefined {
    return this.egress.guard({ tenantId, vantage: 'platform' }).literalRefusal(address);
  }

  /** Why a monitor config is refused (as `createMonitor` refuses it: registry shape, egress): `{ field, message }`. */
  configProblem(tenantId: string, type: string, config: Record<string, unknown>): { field: string; message: string } | undefined {
    try {
      validateMonitorConfig(type as ProbeType, config, 'config', this.egress.guard({ tenantId, vantage: 'platform' }));
      return undefined;
    } catch (error) {
      if (!(error instanceof VigiaException)) throw error;
      return { field: error.field ?? 'config', message: error.message.replace(/^[^:]*: /, '') };
    }
  }

  /** The stored credentials of a monitor (path → value): kept when a file leaves a secret unchanged. */
  monitorSecrets(monitor: Monitor): Record<string, string> {
    return openSecrets(this.box, monitor.id, monitor.secretsSealed);
  }

  /** Inserts new objects (ids chosen by the caller, so references between them can be set before the insert). */
  async insert<K extends InventoryKind>(manager: EntityManager, kind: K, tenantId: string, rows: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH).map((r) => ({ ...r, tenantId }));
      await withDatabaseErrors(() => manager.insert(ENTITY[kind], batch as never), '');
    }
  }

  async update<K extends InventoryKind>(manager: EntityManager, kind: K, tenantId: string, id: string, patch: Record<string, unknown>): Promise<void> {
    await withDatabaseErrors(() => manager.update(ENTITY[kind], { id, tenantId } as never, { ...patch, updatedAt: () => 'now()' } as never), '');
  }

  /** A monitor's config as stored, credentials sealed (`values`: path → credential, as `createMonitor` takes them inline). */
  sealMonitorConfig(monitorId: string, type: string, config: Record<string, unknown>, values: Record<string, string>): { config: Record<string, unknown>; secretsSealed: string | null } {
    const separated = separateSecrets(type, config, values, false, 'config');
    return { config: separated.config, secretsSealed: sealSecrets(this.box, monitorId, separated.secrets) };
  }

  newId(): string {
    return randomUUID();
  }

  /** The customers a service serves from now on (ended periods stay as history). */
  setServiceCustomers(manager: EntityManager, tenantId: string, serviceId: string, customerIds: string[]): Promise<void> {
    return this.links.replaceCurrent(manager, tenantId, serviceId, customerIds);
  }

  /** Soft deletes as the services do them (history stays); a site is removed (it holds no history). */
  async remove(manager: EntityManager, kind: InventoryKind, tenantId: string, id: string): Promise<void> {
    if (kind === 'monitors') await softDeleteMonitors(manager, tenantId, 'id = $2', [id]);
    if (kind === 'services') await softDeleteService(manager, tenantId, id);
    if (kind === 'customers') await softDeleteCustomer(manager, tenantId, id);
    if (kind === 'hosts') {
      await detachDeletedHosts(manager, 'ssh_jump_host_id', id);
      await softDeleteHost(manager, tenantId, id);
    }
    if (kind === 'sites') {
      await detachDeletedHosts(manager, 'site_id', id);
      await withDatabaseErrors(() => manager.delete(Site, { id, tenantId }), '');
    }
  }
}
