import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AlertChannels1795373111104 implements MigrationInterface {
  name = 'AlertChannels1795373111104';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"alert_channels\" (\"id\" uuid NOT NULL, \"tenant_id\" uuid NOT NULL, \"name\" text NOT NULL, \"type\" text NOT NULL, \"config\" jsonb NOT NULL, \"secret_sealed\" text, \"enabled\" boolean NOT NULL DEFAULT true, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_da89e9de0358309fb2ec1617e65\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_2cfce757e327dc9d7917475551\" ON \"alert_channels\"  (\"tenant_id\", \"name\") ");
    await queryRunner.query("CREATE TABLE \"notifications\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"channel_id\" uuid NOT NULL, \"incident_id\" uuid NOT NULL, \"kind\" text NOT NULL, \"payload\" jsonb NOT NULL, \"status\" text NOT NULL, \"attempts\" integer NOT NULL DEFAULT '0', \"next_attempt_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_error\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"sent_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_6a72c3c0f683f6462415e653c3a\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_9365707e4bda910d456c3ff4e5\" ON \"notifications\"  (\"channel_id\", \"incident_id\", \"kind\") ");
    await queryRunner.query("CREATE INDEX \"IDX_1b12943fabc6cb2c1c94379fb5\" ON \"notifications\"  (\"incident_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_eb55b4cc8a1fa9e705210ddb4a\" ON \"notifications\"  (\"status\", \"next_attempt_at\") ");
    await queryRunner.query("CREATE TABLE \"notification_attempts\" (\"id\" BIGSERIAL NOT NULL, \"notification_id\" uuid NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"ok\" boolean NOT NULL, \"response\" text NOT NULL, \"duration_ms\" integer NOT NULL, CONSTRAINT \"PK_f6abd34f351bbbf11c7ae8e7565\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_e68ad1df80d5ae0c1378753b54\" ON \"notification_attempts\"  (\"notification_id\") ");
    await queryRunner.query("ALTER TABLE \"alert_channels\" ADD CONSTRAINT \"FK_9f8224f9f239bc04d56cf469ac7\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"alert_channels\" DROP CONSTRAINT \"FK_9f8224f9f239bc04d56cf469ac7\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_e68ad1df80d5ae0c1378753b54\"");
    await queryRunner.query("DROP TABLE \"notification_attempts\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_eb55b4cc8a1fa9e705210ddb4a\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_1b12943fabc6cb2c1c94379fb5\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_9365707e4bda910d456c3ff4e5\"");
    await queryRunner.query("DROP TABLE \"notifications\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_2cfce757e327dc9d7917475551\"");
    await queryRunner.query("DROP TABLE \"alert_channels\"");
  }
}
