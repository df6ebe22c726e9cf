import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Runbooks1795378045348 implements MigrationInterface {
  name = 'Runbooks1795378045348';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Fencing tokens: every claim of a run takes the next value, so an older claim can always be told apart.
    await queryRunner.query('CREATE SEQUENCE "runbook_fencing_seq"');
    await queryRunner.query("CREATE TABLE \"runbook_runs\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"runbook_id\" uuid, \"runbook_version\" integer, \"runbook_name\" text NOT NULL, \"resource_id\" uuid, \"lock_key\" text NOT NULL, \"trigger\" text NOT NULL, \"actor\" text NOT NULL, \"incident_id\" uuid, \"params\" jsonb NOT NULL, \"definition\" jsonb NOT NULL, \"status\" text NOT NULL, \"status_reason\" text, \"forced\" boolean NOT NULL DEFAULT false, \"fencing_token\" bigint, \"owner\" text, \"lease_until\" TIMESTAMP WITH TIME ZONE, \"claims\" integer NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"started_at\" TIMESTAMP WITH TIME ZONE, \"finished_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_812357fbb4fa7e7570fe46d16e3\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_af8b32217750306bdb44d17e9a\" ON \"runbook_runs\"  (\"resource_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_ec5ebe5f677a3f160bd5955d05\" ON \"runbook_runs\"  (\"incident_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_c2283e9982b2e5a93109adf8bc\" ON \"runbook_runs\"  (\"status\", \"lease_until\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_36d78cc325353aec5e26dbb594\" ON \"runbook_runs\"  (\"lock_key\") WHERE status IN ('pending','running','waiting_approval','needs_operator')");
    await queryRunner.query("CREATE INDEX \"IDX_26a54b47845e97f2a2d504f921\" ON \"runbook_runs\"  (\"tenant_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"runbook_run_steps\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"run_id\" uuid NOT NULL, \"phase\" text NOT NULL DEFAULT 'main', \"index\" integer NOT NULL, \"name\" text NOT NULL, \"type\" text NOT NULL, \"status\" text NOT NULL, \"actions\" jsonb NOT NULL DEFAULT '[]', \"stdout\" text NOT NULL DEFAULT '', \"stderr\" text NOT NULL DEFAULT '', \"exit_code\" integer, \"error\" text, \"attempt\" integer NOT NULL DEFAULT '1', \"started_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"finished_at\" TIMESTAMP WITH TIME ZONE, \"approved_by\" text, CONSTRAINT \"PK_3072318c5a9b801d8ee4ccf6662\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_092e249bcda65993c703c42d5d\" ON \"runbook_run_steps\"  (\"run_id\", \"phase\", \"index\") ");
    await queryRunner.query("CREATE TYPE \"public\".\"resource_kind\" AS ENUM('vip_group', 'dns_record', 'lb_pool', 'mysql_group', 'vm')");
    await queryRunner.query("CREATE TABLE \"resources\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"name\" text NOT NULL, \"kind\" \"public\".\"resource_kind\" NOT NULL, \"config\" jsonb NOT NULL, \"secret_sealed\" text, \"members\" jsonb NOT NULL, \"primary_host_id\" uuid, \"primary_since\" TIMESTAMP WITH TIME ZONE, \"primary_reason\" text, \"approval_required\" boolean NOT NULL DEFAULT false, \"cooldown_minutes\" integer NOT NULL DEFAULT '5', \"failback\" text NOT NULL DEFAULT 'stay', \"failback_hold_seconds\" integer NOT NULL DEFAULT '300', \"require_fencing\" boolean NOT NULL DEFAULT false, \"runbook_id\" uuid, \"recovery_runbook_id\" uuid, \"fence_pending\" uuid array NOT NULL DEFAULT '{}', \"drained\" uuid array NOT NULL DEFAULT '{}', \"last_run_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_632484ab9dff41bba94f9b7c85e\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_cad6c185bf17e6b3631863b5fe\" ON \"resources\"  (\"tenant_id\", \"name\") ");
    await queryRunner.query("CREATE TABLE \"runbooks\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"name\" text NOT NULL, \"description\" text NOT NULL DEFAULT '', \"version\" integer NOT NULL, \"builtin\" boolean NOT NULL DEFAULT false, \"schedule_every_minutes\" integer, \"schedule_resource_id\" uuid, \"next_run_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_dc7c67d04939cf8155244322cff\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_2b94df28869a8020291b50e3eb\" ON \"runbooks\"  (\"next_run_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_0d8e267c42c63ac23907a8e647\" ON \"runbooks\"  (\"tenant_id\", \"name\") ");
    await queryRunner.query("CREATE TABLE \"runbook_versions\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"runbook_id\" uuid NOT NULL, \"version\" integer NOT NULL, \"format\" text NOT NULL, \"source\" text NOT NULL, \"definition\" jsonb NOT NULL, \"created_by\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_3eec00486bdbb5ebfa7b69ab9b5\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_8fd862b36f0dce66bac2271d21\" ON \"runbook_versions\"  (\"runbook_id\", \"version\") ");
    await queryRunner.query("ALTER TABLE \"hosts\" ADD \"ssh_jump_host_id\" uuid");
    await queryRunner.query("ALTER TABLE \"hosts\" ADD CONSTRAINT \"FK_9a19956a12a41294656cf1ef811\" FOREIGN KEY (\"ssh_jump_host_id\") REFERENCES \"hosts\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"runbook_runs\" ADD CONSTRAINT \"FK_eb71c080d0b7971c04743eb4e7b\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"runbook_run_steps\" ADD CONSTRAINT \"FK_4f7b7b2d84c4e0658127d647dd1\" FOREIGN KEY (\"run_id\") REFERENCES \"runbook_runs\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"resources\" ADD CONSTRAINT \"FK_815c88644712b96b7a9f10e3582\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"runbooks\" ADD CONSTRAINT \"FK_c91b18f9bc260e0e14c4495ac8c\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"runbook_versions\" ADD CONSTRAINT \"FK_4d17a027dce7b3606342927805c\" FOREIGN KEY (\"runbook_id\") REFERENCES \"runbooks\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"runbook_versions\" DROP CONSTRAINT \"FK_4d17a027dce7b3606342927805c\"");
    await queryRunner.query("ALTER TABLE \"runbooks\" DROP CONSTRAINT \"FK_c91b18f9bc260e0e14c4495ac8c\"");
    await queryRunner.query("ALTER TABLE \"resources\" DROP CONSTRAINT \"FK_815c88644712b96b7a9f10e3582\"");
    await queryRunner.query("ALTER TABLE \"runbook_run_steps\" DROP CONSTRAINT \"FK_4f7b7b2d84c4e0658127d647dd1\"");
    await queryRunner.query("ALTER TABLE \"runbook_runs\" DROP CONSTRAINT \"FK_eb71c080d0b7971c04743eb4e7b\"");
    await queryRunner.query("ALTER TABLE \"hosts\" DROP CONSTRAINT \"FK_9a19956a12a41294656cf1ef811\"");
    await queryRunner.query("ALTER TABLE \"hosts\" DROP COLUMN \"ssh_jump_host_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_8fd862b36f0dce66bac2271d21\"");
    await queryRunner.query("DROP TABLE \"runbook_versions\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_0d8e267c42c63ac23907a8e647\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_2b94df28869a8020291b50e3eb\"");
    await queryRunner.query("DROP TABLE \"runbooks\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_cad6c185bf17e6b3631863b5fe\"");
    await queryRunner.query("DROP TABLE \"resources\"");
    await queryRunner.query("DROP TYPE \"public\".\"resource_kind\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_092e249bcda65993c703c42d5d\"");
    await queryRunner.query("DROP TABLE \"runbook_run_steps\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_26a54b47845e97f2a2d504f921\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_36d78cc325353aec5e26dbb594\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_c2283e9982b2e5a93109adf8bc\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_ec5ebe5f677a3f160bd5955d05\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_af8b32217750306bdb44d17e9a\"");
    await queryRunner.query("DROP TABLE \"runbook_runs\"");
    await queryRunner.query('DROP SEQUENCE "runbook_fencing_seq"');
  }
}
