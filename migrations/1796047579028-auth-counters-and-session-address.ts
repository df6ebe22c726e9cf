import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login limits reserve attempts in one upsert per key (auth_counters) instead of counting rows of auth_failures,
 * which let parallel guesses all read "under the limit"; sessions remember the address they came from, so a login
 * from a user's known address has its own budget. The old failure rows only held the last 15 minutes: dropped.
 */
export class AuthCountersAndSessionAddress1796047579028 implements MigrationInterface {
  name = 'AuthCountersAndSessionAddress1796047579028';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"auth_counters\" (\"key\" text NOT NULL, \"window_start\" TIMESTAMP WITH TIME ZONE NOT NULL, \"count\" integer NOT NULL, CONSTRAINT \"PK_94b86511af2a510ea64b58feb78\" PRIMARY KEY (\"key\"))");
    await queryRunner.query("ALTER TABLE \"sessions\" ADD \"client_address\" text");
    await queryRunner.query("CREATE INDEX \"IDX_25461d79203e51370ea4f62c0b\" ON \"sessions\"  (\"user_id\", \"client_address\") ");
    await queryRunner.query("DROP TABLE \"auth_failures\"");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"auth_failures\" (\"id\" BIGSERIAL NOT NULL, \"key\" text NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_e2b915d735b7aa6e2f015f5c799\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_1e074aba459f85261f917d9583\" ON \"auth_failures\"  (\"key\", \"at\") ");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_25461d79203e51370ea4f62c0b\"");
    await queryRunner.query("ALTER TABLE \"sessions\" DROP COLUMN \"client_address\"");
    await queryRunner.query("DROP TABLE \"auth_counters\"");
  }
}
