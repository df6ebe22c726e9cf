import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportMailings1795372250538 implements MigrationInterface {
  name = 'ReportMailings1795372250538';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"report_mailings\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"customer_id\" uuid NOT NULL, \"month\" text NOT NULL, \"status\" text NOT NULL, \"attempts\" integer NOT NULL DEFAULT '1', \"detail\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"sent_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_1a94cae7a00d4e8e659ccaffb4a\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_87e2f0c77162ae3a7e80982367\" ON \"report_mailings\"  (\"customer_id\", \"month\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_87e2f0c77162ae3a7e80982367\"");
    await queryRunner.query("DROP TABLE \"report_mailings\"");
  }
}
