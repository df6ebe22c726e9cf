import type { MigrationInterface, QueryRunner } from 'typeorm';

/** On-call (libs/oncall, issue 20): schedules with their layers, overrides, people's contact methods (a chat account names one person) and notification rules. */
export class OncallSchedulesAndPeople1796100200000 implements MigrationInterface {
  name = 'OncallSchedulesAndPeople1796100200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"contact_methods\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"kind\" text NOT NULL, \"address\" text NOT NULL, \"label\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_23dba1e45090b3cee8798abce5c\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_42adcbab53de711d5e0678c09b\" ON \"contact_methods\"  (\"user_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_096d1b07efe65e605a1648c0fe\" ON \"contact_methods\"  (\"tenant_id\", \"kind\", \"address\") WHERE kind NOT IN ('email', 'phone')");
    await queryRunner.query("CREATE TABLE \"notification_rules\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"contact_method_id\" uuid NOT NULL, \"delay_minutes\" integer NOT NULL, \"phone_mode\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_eb87ba4f7f01eabf003fcf4e65c\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_fc52f1094295b6755084f77fd4\" ON \"notification_rules\"  (\"user_id\") ");
    await queryRunner.query("CREATE TABLE \"schedules\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"name\" text NOT NULL, \"time_zone\" text NOT NULL, \"layers\" jsonb NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_7e33fc2ea755a5765e3564e66dd\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_7ffd5245352591e9497b6e3257\" ON \"schedules\"  (\"tenant_id\", \"name\") ");
    await queryRunner.query("CREATE TABLE \"schedule_overrides\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"schedule_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"starts_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"ends_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_3dbce7def463776f208fd5d430a\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_4af242069bdee5f6102ee7609d\" ON \"schedule_overrides\"  (\"schedule_id\", \"starts_at\") ");
    await queryRunner.query("ALTER TABLE \"contact_methods\" ADD CONSTRAINT \"FK_7d360770ba14c5fe3286e07b711\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"contact_methods\" ADD CONSTRAINT \"FK_42adcbab53de711d5e0678c09bd\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"notification_rules\" ADD CONSTRAINT \"FK_e4c4b53afde7165bd973db45fc2\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"notification_rules\" ADD CONSTRAINT \"FK_fc52f1094295b6755084f77fd4e\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"notification_rules\" ADD CONSTRAINT \"FK_e296a8b5b12ea417ff51393e9ae\" FOREIGN KEY (\"contact_method_id\") REFERENCES \"contact_methods\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"schedules\" ADD CONSTRAINT \"FK_419857fc68975b6df572ad288d1\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"schedule_overrides\" ADD CONSTRAINT \"FK_c16b93e668988b67dacf13d7821\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"schedule_overrides\" ADD CONSTRAINT \"FK_b582f9954941a5a9e4d9c89cde0\" FOREIGN KEY (\"schedule_id\") REFERENCES \"schedules\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"schedule_overrides\" ADD CONSTRAINT \"FK_0bf7788284e22e41e9947376bb7\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"schedule_overrides\" DROP CONSTRAINT \"FK_0bf7788284e22e41e9947376bb7\"");
    await queryRunner.query("ALTER TABLE \"schedule_overrides\" DROP CONSTRAINT \"FK_b582f9954941a5a9e4d9c89cde0\"");
    await queryRunner.query("ALTER TABLE \"schedule_overrides\" DROP CONSTRAINT \"FK_c16b93e668988b67dacf13d7821\"");
    await queryRunner.query("ALTER TABLE \"schedules\" DROP CONSTRAINT \"FK_419857fc68975b6df572ad288d1\"");
    await queryRunner.query("ALTER TABLE \"notification_rules\" DROP CONSTRAINT \"FK_e296a8b5b12ea417ff51393e9ae\"");
    await queryRunner.query("ALTER TABLE \"notification_rules\" DROP CONSTRAINT \"FK_fc52f1094295b6755084f77fd4e\"");
    await queryRunner.query("ALTER TABLE \"notification_rules\" DROP CONSTRAINT \"FK_e4c4b53afde7165bd973db45fc2\"");
    await queryRunner.query("ALTER TABLE \"contact_methods\" DROP CONSTRAINT \"FK_42adcbab53de711d5e0678c09bd\"");
    await queryRunner.query("ALTER TABLE \"contact_methods\" DROP CONSTRAINT \"FK_7d360770ba14c5fe3286e07b711\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_4af242069bdee5f6102ee7609d\"");
    await queryRunner.query("DROP TABLE \"schedule_overrides\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_7ffd5245352591e9497b6e3257\"");
    await queryRunner.query("DROP TABLE \"schedules\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_fc52f1094295b6755084f77fd4\"");
    await queryRunner.query("DROP TABLE \"notification_rules\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_096d1b07efe65e605a1648c0fe\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_42adcbab53de711d5e0678c09b\"");
    await queryRunner.query("DROP TABLE \"contact_methods\"");
  }
}
