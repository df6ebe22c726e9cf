import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inventory's published read model (libs/inventory/src/read-model.ts, the contract): views over its monitors and
 * hosts for the libraries that join them to their own rows in one query (detection, vantages, incidents), so no
 * library names inventory's tables. Plain projections of every row (soft-deleted ones included, as the readers
 * filter them themselves), which PostgreSQL inlines: the readers' plans and indexes stay what they were.
 */
export class InventoryReadModel1796155617285 implements MigrationInterface {
  name = 'InventoryReadModel1796155617285';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE VIEW "inventory_monitor_catalog" AS
      SELECT id, tenant_id, host_id, service_id, name, type, enabled, config, secrets_sealed, interval_ms, timeout_ms, updated_at, deleted_at
        FROM "monitors"`);
    await queryRunner.query(`CREATE VIEW "inventory_host_catalog" AS
      SELECT id, addresses, ssh_port, ssh_user, ssh_host_key, ssh_credential_id, updated_at, deleted_at
        FROM "hosts"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW "inventory_host_catalog"');
    await queryRunner.query('DROP VIEW "inventory_monitor_catalog"');
  }
}
