import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Detection1795369314152 implements MigrationInterface {
  name = 'Detection1795369314152';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"public\".\"incident_status\" AS ENUM('open', 'resolved')");
    await queryRunner.query("CREATE TABLE \"incidents\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"monitor_id\" uuid NOT NULL, \"host_id\" uuid NOT NULL, \"service_id\" uuid, \"status\" \"public\".\"incident_status\" NOT NULL, \"opened_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"resolved_at\" TIMESTAMP WITH TIME ZONE, \"planned\" boolean NOT NULL DEFAULT false, \"suppressed\" boolean NOT NULL DEFAULT false, \"flapping\" boolean NOT NULL DEFAULT false, \"cause_incident_id\" uuid, \"open_reason\" text NOT NULL, \"resolve_reason\" text, CONSTRAINT \"PK_ccb34c01719889017e2246469f9\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_aebed6a4258792ba6eca8ff8ee\" ON \"incidents\"  (\"host_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_892c67f385bf1bcfcae90b9384\" ON \"incidents\"  (\"tenant_id\", \"opened_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_incidents_open_per_monitor\" ON \"incidents\"  (\"monitor_id\") WHERE status = 'open'");
    await queryRunner.query("CREATE TABLE \"incident_events\" (\"id\" BIGSERIAL NOT NULL, \"tenant_id\" uuid NOT NULL, \"incident_id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"kind\" text NOT NULL, \"message\" text NOT NULL, CONSTRAINT \"PK_1230e0a50df3503eed115634297\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_c17fbbdbac9bcf6996f1575a41\" ON \"incident_events\"  (\"incident_id\", \"at\") ");
    await queryRunner.query("CREATE TABLE \"maintenance_windows\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"name\" text NOT NULL, \"starts_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"ends_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"host_ids\" uuid array NOT NULL DEFAULT '{}', \"service_ids\" uuid array NOT NULL DEFAULT '{}', \"monitor_ids\" uuid array NOT NULL DEFAULT '{}', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_maintenance_period\" CHECK (\"ends_at\" > \"starts_at\"), CONSTRAINT \"PK_c939ec0e19687a7d64b5e357d28\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_2c30255002321fb073aa604f7b\" ON \"maintenance_windows\"  (\"tenant_id\", \"ends_at\") ");
    await queryRunner.query("CREATE TABLE \"monitor_states\" (\"monitor_id\" uuid NOT NULL, \"tenant_id\" uuid NOT NULL, \"health\" text NOT NULL, \"since\" TIMESTAMP WITH TIME ZONE NOT NULL, \"flapping\" boolean NOT NULL DEFAULT false, \"reason\" text NOT NULL, \"last_result_at\" TIMESTAMP WITH TIME ZONE, \"last_status\" text, \"last_latency_ms\" real, \"last_reason\" text, \"detector\" jsonb NOT NULL, CONSTRAINT \"PK_ca64138d2ab0f884f3e8761761d\" PRIMARY KEY (\"monitor_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_42dd2c5b71a92f49177b751122\" ON \"monitor_states\"  (\"tenant_id\", \"health\") ");
    await queryRunner.query("CREATE TABLE \"monitor_state_changes\" (\"id\" BIGSERIAL NOT NULL, \"tenant_id\" uuid NOT NULL, \"monitor_id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"effective_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"from_health\" text NOT NULL, \"to_health\" text NOT NULL, \"flapping\" boolean NOT NULL, \"reason\" text NOT NULL, CONSTRAINT \"PK_b0647aab88d6ee00e4570024857\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_5776ab09c10ddbb41aec0c10e5\" ON \"monitor_state_changes\"  (\"tenant_id\", \"at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_9637e4fdc9b36e927214f32e0c\" ON \"monitor_state_changes\"  (\"monitor_id\", \"at\") ");
    await queryRunner.query("CREATE TABLE \"probe_rollups\" (\"monitor_id\" uuid NOT NULL, \"minute\" TIMESTAMP WITH TIME ZONE NOT NULL, \"tenant_id\" uuid NOT NULL, \"count\" integer NOT NULL, \"failures\" integer NOT NULL, \"degraded\" integer NOT NULL, \"latency_p50\" real, \"latency_p95\" real, CONSTRAINT \"PK_ac3b0b62f47581a573938fcb025\" PRIMARY KEY (\"monitor_id\", \"minute\"))");
    await queryRunner.query("ALTER TABLE \"incidents\" ADD CONSTRAINT \"FK_1a950622f49008915ac763a87be\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incidents\" ADD CONSTRAINT \"FK_fc28fc30d8458756861ec6466e4\" FOREIGN KEY (\"monitor_id\") REFERENCES \"monitors\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident_events\" ADD CONSTRAINT \"FK_390f216bd2d62482f4a2602b5e8\" FOREIGN KEY (\"incident_id\") REFERENCES \"incidents\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"maintenance_windows\" ADD CONSTRAINT \"FK_4be4d9a72d312c49e580f509699\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"monitor_states\" ADD CONSTRAINT \"FK_ca64138d2ab0f884f3e8761761d\" FOREIGN KEY (\"monitor_id\") REFERENCES \"monitors\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"monitor_state_changes\" ADD CONSTRAINT \"FK_69124819d8759f8879ee218d73e\" FOREIGN KEY (\"monitor_id\") REFERENCES \"monitors\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"monitor_state_changes\" DROP CONSTRAINT \"FK_69124819d8759f8879ee218d73e\"");
    await queryRunner.query("ALTER TABLE \"monitor_states\" DROP CONSTRAINT \"FK_ca64138d2ab0f884f3e8761761d\"");
    await queryRunner.query("ALTER TABLE \"maintenance_windows\" DROP CONSTRAINT \"FK_4be4d9a72d312c49e580f509699\"");
    await queryRunner.query("ALTER TABLE \"incident_events\" DROP CONSTRAINT \"FK_390f216bd2d62482f4a2602b5e8\"");
    await queryRunner.query("ALTER TABLE \"incidents\" DROP CONSTRAINT \"FK_fc28fc30d8458756861ec6466e4\"");
    await queryRunner.query("ALTER TABLE \"incidents\" DROP CONSTRAINT \"FK_1a950622f49008915ac763a87be\"");
    await queryRunner.query("DROP TABLE \"probe_rollups\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_9637e4fdc9b36e927214f32e0c\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_5776ab09c10ddbb41aec0c10e5\"");
    await queryRunner.query("DROP TABLE \"monitor_state_changes\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_42dd2c5b71a92f49177b751122\"");
    await queryRunner.query("DROP TABLE \"monitor_states\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_2c30255002321fb073aa604f7b\"");
    await queryRunner.query("DROP TABLE \"maintenance_windows\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_c17fbbdbac9bcf6996f1575a41\"");
    await queryRunner.query("DROP TABLE \"incident_events\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_incidents_open_per_monitor\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_892c67f385bf1bcfcae90b9384\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_aebed6a4258792ba6eca8ff8ee\"");
    await queryRunner.query("DROP TABLE \"incidents\"");
    await queryRunner.query("DROP TYPE \"public\".\"incident_status\"");
  }
}
