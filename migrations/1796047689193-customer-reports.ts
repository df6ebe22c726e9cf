import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer reports a hosting company can send: monthly e-mails opt-in per tenant and per customer (off, also for
 * existing rows: nobody asked for them), the tenant's branding and default language, the customer's language.
 */
export class CustomerReports1796047689193 implements MigrationInterface {
  name = 'CustomerReports1796047689193';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"tenants\" ADD \"monthly_reports\" boolean NOT NULL DEFAULT false");
    await queryRunner.query("ALTER TABLE \"tenants\" ADD \"monthly_reports_since\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"tenants\" ADD \"default_language\" text NOT NULL DEFAULT 'en'");
    await queryRunner.query("ALTER TABLE \"tenants\" ADD \"primary_color\" text");
    await queryRunner.query("ALTER TABLE \"tenants\" ADD \"logo\" text");
    await queryRunner.query("ALTER TABLE \"customers\" ADD \"monthly_reports\" boolean NOT NULL DEFAULT false");
    await queryRunner.query("ALTER TABLE \"customers\" ADD \"monthly_reports_since\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"customers\" ADD \"language\" text");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"customers\" DROP COLUMN \"language\"");
    await queryRunner.query("ALTER TABLE \"customers\" DROP COLUMN \"monthly_reports_since\"");
    await queryRunner.query("ALTER TABLE \"customers\" DROP COLUMN \"monthly_reports\"");
    await queryRunner.query("ALTER TABLE \"tenants\" DROP COLUMN \"logo\"");
    await queryRunner.query("ALTER TABLE \"tenants\" DROP COLUMN \"primary_color\"");
    await queryRunner.query("ALTER TABLE \"tenants\" DROP COLUMN \"default_language\"");
    await queryRunner.query("ALTER TABLE \"tenants\" DROP COLUMN \"monthly_reports_since\"");
    await queryRunner.query("ALTER TABLE \"tenants\" DROP COLUMN \"monthly_reports\"");
  }
}
