import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An SSH credential's sealed key changed or removed announces itself on `vigia_fleet` as the monitors and hosts do:
 * a watchdog's probe targets and an agent's sealed assignment hold the opened key, and until now only the minute's
 * safety re-read of the whole fleet noticed. With every input of a probe target announced, that re-read (every
 * watchdog, and the agents' gateway for every agent, all 20,000 monitors at once) runs only while the notifications
 * cannot be heard, and every ten minutes otherwise.
 */
export class SshCredentialChangeNotify1796360000000 implements MigrationInterface {
  name = 'SshCredentialChangeNotify1796360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TRIGGER fleet_changed AFTER UPDATE OR DELETE OR TRUNCATE ON "ssh_credentials" FOR EACH STATEMENT EXECUTE FUNCTION vigia_fleet_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS fleet_changed ON "ssh_credentials"`);
  }
}
