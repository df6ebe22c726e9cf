import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose every write changes what the watchdogs probe or how they decide (their owners' tables, announced here). */
const WHOLE_TABLES = ['monitors', 'hosts', 'monitor_vantages', 'tenant_vantage_defaults'];

/**
 * The fleet announces its changes: every write to the monitors, hosts and assignments, and the writes to vantages and
 * MySQL groups that change who votes or what a member's monitor expects, NOTIFY `vigia_fleet` (delivered at commit,
 * never for a rolled-back write). The watchdogs and the agents' gateway reload on it instead of computing fingerprints
 * over the whole catalog every second (a scan of every monitor per watchdog per second).
 */
export class FleetChangeNotify1796210000000 implements MigrationInterface {
  name = 'FleetChangeNotify1796210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION vigia_fleet_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('vigia_fleet', TG_TABLE_NAME); RETURN NULL; END $$`);
    for (const table of WHOLE_TABLES) {
      await queryRunner.query(`CREATE TRIGGER fleet_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION vigia_fleet_changed()`);
    }
    // Vantages beat every second (last_heartbeat_at): only a change of who they are or whether they vote counts.
    await queryRunner.query(`CREATE TRIGGER fleet_changed AFTER INSERT OR DELETE ON "vantages" FOR EACH STATEMENT EXECUTE FUNCTION vigia_fleet_changed()`);
    await queryRunner.query(`CREATE TRIGGER fleet_changed_row AFTER UPDATE ON "vantages" FOR EACH ROW
      WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.impaired_reason IS DISTINCT FROM NEW.impaired_reason
            OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.central IS DISTINCT FROM NEW.central)
      EXECUTE FUNCTION vigia_fleet_changed()`);
    // MySQL groups: their primary, fencing and members decide what each member's monitor expects (group-roles.ts).
    await queryRunner.query(`CREATE TRIGGER fleet_changed AFTER INSERT OR DELETE ON "resources" FOR EACH STATEMENT EXECUTE FUNCTION vigia_fleet_changed()`);
    await queryRunner.query(`CREATE TRIGGER fleet_changed_row AFTER UPDATE ON "resources" FOR EACH ROW
      WHEN ((OLD.kind = 'mysql_group' OR NEW.kind = 'mysql_group') AND (OLD.primary_host_id IS DISTINCT FROM NEW.primary_host_id
            OR OLD.fence_pending IS DISTINCT FROM NEW.fence_pending OR OLD.members IS DISTINCT FROM NEW.members OR OLD.kind IS DISTINCT FROM NEW.kind))
      EXECUTE FUNCTION vigia_fleet_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...WHOLE_TABLES, 'vantages', 'resources']) await queryRunner.query(`DROP TRIGGER IF EXISTS fleet_changed ON "${table}"`);
    for (const table of ['vantages', 'resources']) await queryRunner.query(`DROP TRIGGER IF EXISTS fleet_changed_row ON "${table}"`);
    await queryRunner.query('DROP FUNCTION vigia_fleet_changed()');
  }
}
