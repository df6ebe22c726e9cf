import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat channels (libs/alerts): `chat_threads` (the message an incident's alert became per channel: threads, replies),
 * `chat_identities` (chat user → Vigia user, one each, for acknowledgements from the chat), `chat_listeners` (which
 * process listens to a channel's chat, its lease and read cursor).
 */
export class ChatChannels1796096100000 implements MigrationInterface {
  name = 'ChatChannels1796096100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"chat_identities\" (\"id\" uuid NOT NULL, \"tenant_id\" uuid NOT NULL, \"provider\" text NOT NULL, \"chat_user_id\" text NOT NULL, \"user_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_389d7663ad7b05533e03dfa8ef6\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_1d269e459d512ef2215a4399b0\" ON \"chat_identities\"  (\"tenant_id\", \"provider\", \"chat_user_id\")");
    await queryRunner.query("CREATE TABLE \"chat_listeners\" (\"channel_id\" uuid NOT NULL, \"owner\" uuid NOT NULL, \"lease_until\" TIMESTAMP WITH TIME ZONE NOT NULL, \"cursor\" text, CONSTRAINT \"PK_c4e348f0eff6d84f6578688df0f\" PRIMARY KEY (\"channel_id\"))");
    await queryRunner.query("CREATE TABLE \"chat_threads\" (\"channel_id\" uuid NOT NULL, \"dedup_key\" text NOT NULL, \"external_id\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_783f9b78c792f6dec83e831915b\" PRIMARY KEY (\"channel_id\", \"dedup_key\"))");
    await queryRunner.query("CREATE INDEX \"IDX_5fa8f6f8897a192cb93821446b\" ON \"chat_threads\"  (\"channel_id\", \"external_id\")");
    await queryRunner.query("ALTER TABLE \"chat_identities\" ADD CONSTRAINT \"FK_e63b7080f02a04958440744a5a0\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"chat_identities\" ADD CONSTRAINT \"FK_fd05f35c0b286abcbd12c64d0f6\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"chat_listeners\" ADD CONSTRAINT \"FK_c4e348f0eff6d84f6578688df0f\" FOREIGN KEY (\"channel_id\") REFERENCES \"alert_channels\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"chat_threads\" ADD CONSTRAINT \"FK_32820b8b0350b28a9108747574b\" FOREIGN KEY (\"channel_id\") REFERENCES \"alert_channels\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"chat_threads\" DROP CONSTRAINT \"FK_32820b8b0350b28a9108747574b\"");
    await queryRunner.query("ALTER TABLE \"chat_listeners\" DROP CONSTRAINT \"FK_c4e348f0eff6d84f6578688df0f\"");
    await queryRunner.query("ALTER TABLE \"chat_identities\" DROP CONSTRAINT \"FK_fd05f35c0b286abcbd12c64d0f6\"");
    await queryRunner.query("ALTER TABLE \"chat_identities\" DROP CONSTRAINT \"FK_e63b7080f02a04958440744a5a0\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_5fa8f6f8897a192cb93821446b\"");
    await queryRunner.query("DROP TABLE \"chat_threads\"");
    await queryRunner.query("DROP TABLE \"chat_listeners\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_1d269e459d512ef2215a4399b0\"");
    await queryRunner.query("DROP TABLE \"chat_identities\"");
  }
}
