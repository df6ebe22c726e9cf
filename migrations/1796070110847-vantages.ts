import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Vantages (central watchdogs and remote agents, tokens hashed), per-monitor assignment and quorum, tenant defaults, and the inbox of agents' results. */
export class Vantages1796070110847 implements MigrationInterface {
  name = 'Vantages1796070110847';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"monitor_vantages\" (\"monitor_id\" uuid NOT NULL, \"tenant_id\" uuid NOT NULL, \"vantage_ids\" uuid array, \"quorum\" integer, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_bc902558463c5360b172104cbf4\" PRIMARY KEY (\"monitor_id\"))");
    await queryRunner.query("CREATE TABLE \"tenant_vantage_defaults\" (\"tenant_id\" uuid NOT NULL, \"vantage_ids\" uuid array, \"quorum\" integer, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_5337ec911466836cf76145b6107\" PRIMARY KEY (\"tenant_id\"))");
    await queryRunner.query("CREATE TABLE \"vantage_results\" (\"id\" BIGSERIAL NOT NULL, \"vantage_id\" uuid NOT NULL, \"vantage_name\" text NOT NULL, \"monitor_id\" uuid NOT NULL, \"tenant_id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"status\" text NOT NULL, \"latency_ms\" real NOT NULL, \"reason\" text NOT NULL, \"replayed\" boolean NOT NULL, \"received_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_0ba6d31ed6994498eb897585db6\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_1d1e2226ffbc31687992940cfc\" ON \"vantage_results\"  (\"received_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_23a87ce7ac11266b139504bb7a\" ON \"vantage_results\"  (\"monitor_id\", \"id\") ");
    await queryRunner.query("CREATE TABLE \"vantages\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid, \"name\" text NOT NULL, \"kind\" text NOT NULL, \"region\" text, \"central\" boolean NOT NULL DEFAULT false, \"token_hash\" text, \"token_prefix\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"revoked_at\" TIMESTAMP WITH TIME ZONE, \"last_heartbeat_at\" TIMESTAMP WITH TIME ZONE, \"clock_offset_ms\" real, \"probes_per_second\" real, \"failing_share\" real, \"dropped_results\" integer NOT NULL DEFAULT '0', \"refused_results\" integer NOT NULL DEFAULT '0', \"last_refusal\" text, \"replayed_results\" integer NOT NULL DEFAULT '0', \"agent_session\" text, \"agent_session_until\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_d745331446e0a027606ad338512\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_74fa47f554f886abcea47497a8\" ON \"vantages\"  (\"token_hash\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_vantages_private_name\" ON \"vantages\"  (\"tenant_id\", \"name\") WHERE \"tenant_id\" IS NOT NULL AND \"revoked_at\" IS NULL");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_vantages_platform_name\" ON \"vantages\"  (\"name\") WHERE \"tenant_id\" IS NULL AND \"revoked_at\" IS NULL");
    await queryRunner.query("ALTER TABLE \"monitor_vantages\" ADD CONSTRAINT \"FK_bc902558463c5360b172104cbf4\" FOREIGN KEY (\"monitor_id\") REFERENCES \"monitors\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"tenant_vantage_defaults\" ADD CONSTRAINT \"FK_5337ec911466836cf76145b6107\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"vantages\" ADD CONSTRAINT \"FK_59a6070ffbe7f7aef6719e60a70\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"vantages\" DROP CONSTRAINT \"FK_59a6070ffbe7f7aef6719e60a70\"");
    await queryRunner.query("ALTER TABLE \"tenant_vantage_defaults\" DROP CONSTRAINT \"FK_5337ec911466836cf76145b6107\"");
    await queryRunner.query("ALTER TABLE \"monitor_vantages\" DROP CONSTRAINT \"FK_bc902558463c5360b172104cbf4\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_vantages_platform_name\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_vantages_private_name\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_74fa47f554f886abcea47497a8\"");
    await queryRunner.query("DROP TABLE \"vantages\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_23a87ce7ac11266b139504bb7a\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_1d1e2226ffbc31687992940cfc\"");
    await queryRunner.query("DROP TABLE \"vantage_results\"");
    await queryRunner.query("DROP TABLE \"tenant_vantage_defaults\"");
    await queryRunner.query("DROP TABLE \"monitor_vantages\"");
  }
}
