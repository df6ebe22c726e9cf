import type { EntityManager } from 'typeorm';

/**
 * Soft deletion as SQL over one transaction's manager. Every statement uses `now()`, PostgreSQL's transaction
 * timestamp, so a host, its services and its monitors are deleted at the very same instant — the instant reports
 * end their observed time at. Incidents, state changes and link periods stay: deleting must not rewrite the past.
 */

/** Ends the service-customer periods still running (or deletes those that had not begun: they hold no history). */
async function endLinks(manager: EntityManager, where: string, params: unknown[]): Promise<void> {
  await manager.query(`DELETE FROM service_customers WHERE (${where}) AND starts_at >= now()`, params);
  await manager.query(`UPDATE service_customers SET ends_at = now() WHERE (${where}) AND (ends_at IS NULL OR ends_at > now())`, params);
}

export async function softDeleteMonitors(manager: EntityManager, tenantId: string, where: string, params: unknown[]): Promise<void> {
  await manager.query(
    `UPDATE monitors SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND deleted_at IS NULL AND (${where})`,
    [tenantId, ...params],
  );
}

export async function softDeleteService(manager: EntityManager, tenantId: string, serviceId: string): Promise<void> {
  await softDeleteMonitors(manager, tenantId, 'service_id = $2', [serviceId]);
  await endLinks(manager, 'service_id = $1', [serviceId]);
  await manager.query('UPDATE services SET deleted_at = now(), updated_at = now() WHERE id = $1 AND tenant_id = $2', [serviceId, tenantId]);
}

export async function softDeleteHost(manager: EntityManager, tenantId: string, hostId: string): Promise<void> {
  await softDeleteMonitors(manager, tenantId, 'host_id = $2', [hostId]);
  await endLinks(manager, 'service_id IN (SELECT id FROM services WHERE host_id = $1 AND deleted_at IS NULL)', [hostId]);
  await manager.query('UPDATE services SET deleted_at = now(), updated_at = now() WHERE host_id = $1 AND tenant_id = $2 AND deleted_at IS NULL', [hostId, tenantId]);
  await manager.query('UPDATE hosts SET deleted_at = now(), updated_at = now() WHERE id = $1 AND tenant_id = $2', [hostId, tenantId]);
}

export async function softDeleteCustomer(manager: EntityManager, tenantId: string, customerId: string): Promise<void> {
  await endLinks(manager, 'customer_id = $1', [customerId]);
  await manager.query('UPDATE customers SET deleted_at = now(), updated_at = now() WHERE id = $1 AND tenant_id = $2', [customerId, tenantId]);
}

/**
 * Deleted hosts keep their site, credential and jump host ids (history), but those foreign keys would keep the site,
 * credential or host they point at from ever being removed by a user who cannot see them. Detached here, just
 * before such a removal; live hosts still block it (CONFLICT naming the table).
 */
export async function detachDeletedHosts(manager: EntityManager, column: 'site_id' | 'ssh_credential_id' | 'ssh_jump_host_id', id: string): Promise<void> {
  await manager.query(`UPDATE hosts SET ${column} = NULL WHERE ${column} = $1 AND deleted_at IS NOT NULL`, [id]);
}
