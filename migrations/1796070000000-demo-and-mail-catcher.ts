import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail catcher (a tenant's e-mail stored instead of sent, chosen per tenant) and the live demo company of the
 * first start (what it installed, and the loopback ports of its servers, reused after a restart).
 */
export class DemoAndMailCatcher1796070000000 implements MigrationInterface {
  name = 'DemoAndMailCatcher1796070000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "tenant_mail_transports" (
      "tenant_id" uuid PRIMARY KEY REFERENCES "tenants"("id") ON DELETE CASCADE,
      "transport" text NOT NULL CHECK ("transport" IN ('smtp', 'catcher')),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())`);
    await queryRunner.query(`CREATE TABLE "caught_mails" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
      "to_address" text NOT NULL, "subject" text NOT NULL, "text_body" text NOT NULL, "html_body" text NOT NULL,
      "headers" jsonb NOT NULL DEFAULT '{}',
      "caught_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp())`);
    await queryRunner.query(`CREATE INDEX "IDX_caught_mails_tenant_at" ON "caught_mails" ("tenant_id", "caught_at" DESC)`);
    await queryRunner.query(`CREATE TABLE "demo_installations" (
      "tenant_id" uuid PRIMARY KEY REFERENCES "tenants"("id") ON DELETE CASCADE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "servers" jsonb NOT NULL DEFAULT '{}',
      "objects" jsonb NOT NULL DEFAULT '{}',
      "api_key" text NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "demo_installations"`);
    await queryRunner.query(`DROP TABLE "caught_mails"`);
    await queryRunner.query(`DROP TABLE "tenant_mail_transports"`);
  }
}
