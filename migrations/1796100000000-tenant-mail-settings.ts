import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's own e-mail settings (issue 21): its sender (From name and address, Reply-To) and, optionally, its own
 * SMTP relay (host, port, TLS mode, user; the password sealed). Kept on the row that already chose the tenant's
 * transport, which gains `relay` beside the mail `catcher`; the platform's relay is now called `platform` (it was `smtp`, which
 * both relays are).
 */
export class TenantMailSettings1796100000000 implements MigrationInterface {
  name = 'TenantMailSettings1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tenant_mail_transports" DROP CONSTRAINT IF EXISTS "tenant_mail_transports_transport_check"`);
    await queryRunner.query(`UPDATE "tenant_mail_transports" SET "transport" = 'platform' WHERE "transport" = 'smtp'`);
    await queryRunner.query(`ALTER TABLE "tenant_mail_transports"
      ADD CONSTRAINT "tenant_mail_transports_transport_check" CHECK ("transport" IN ('platform', 'relay', 'catcher')),
      ADD COLUMN "from_name" text,
      ADD COLUMN "from_address" text,
      ADD COLUMN "reply_to" text,
      ADD COLUMN "relay_host" text,
      ADD COLUMN "relay_port" integer,
      ADD COLUMN "relay_security" text CHECK ("relay_security" IN ('starttls', 'tls', 'none')),
      ADD COLUMN "relay_username" text,
      ADD COLUMN "relay_password_sealed" text,
      ADD COLUMN "relay_tls_verify" boolean NOT NULL DEFAULT true,
      ADD CONSTRAINT "tenant_mail_relay_complete" CHECK ("transport" <> 'relay' OR ("relay_host" IS NOT NULL AND "relay_port" IS NOT NULL AND "relay_security" IS NOT NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "tenant_mail_transports" WHERE "transport" <> 'catcher'`);
    await queryRunner.query(`ALTER TABLE "tenant_mail_transports" DROP CONSTRAINT "tenant_mail_relay_complete", DROP CONSTRAINT "tenant_mail_transports_transport_check",
      DROP COLUMN "from_name", DROP COLUMN "from_address", DROP COLUMN "reply_to", DROP COLUMN "relay_host", DROP COLUMN "relay_port",
      DROP COLUMN "relay_security", DROP COLUMN "relay_username", DROP COLUMN "relay_password_sealed", DROP COLUMN "relay_tls_verify"`);
    await queryRunner.query(`ALTER TABLE "tenant_mail_transports" ADD CONSTRAINT "tenant_mail_transports_transport_check" CHECK ("transport" IN ('smtp', 'catcher'))`);
  }
}
