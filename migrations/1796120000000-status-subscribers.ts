import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status-page subscribers (issue 17): e-mail addresses (double opt-in: `confirmed_at` set by the signed link) and
 * webhooks an operator adds, and the durable queue of what each is sent. A queued row is written in the transaction
 * that publishes the post update or the maintenance notice it carries; `(subscriber_id, event_key)` is unique, so an
 * event is queued once per subscriber however often the writer runs.
 */
export class StatusSubscribers1796120000000 implements MigrationInterface {
  name = 'StatusSubscribers1796120000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "status_subscribers" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "page_id" uuid NOT NULL, "kind" text NOT NULL,
      "address" text NOT NULL, "secret_sealed" text, "confirmed_at" timestamptz, "confirm_sent_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_status_subscribers" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_status_subscribers_kind" CHECK ("kind" IN ('email', 'webhook')),
      CONSTRAINT "FK_status_subscribers_page" FOREIGN KEY ("page_id") REFERENCES "status_pages"("id") ON DELETE CASCADE,
      CONSTRAINT "FK_status_subscribers_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE)`);
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_status_subscribers_address" ON "status_subscribers" ("page_id", "kind", "address")');
    await queryRunner.query('CREATE INDEX "IDX_status_subscribers_tenant" ON "status_subscribers" ("tenant_id", "page_id", "created_at")');
    await queryRunner.query(`CREATE TABLE "status_notifications" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "page_id" uuid NOT NULL, "subscriber_id" uuid NOT NULL,
      "event_key" text NOT NULL, "kind" text NOT NULL, "payload" jsonb NOT NULL DEFAULT '{}',
      "status" text NOT NULL DEFAULT 'queued', "attempts" int NOT NULL DEFAULT 0, "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
      "sent_at" timestamptz, "last_error" text, "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_status_notifications" PRIMARY KEY ("id"),
      CONSTRAINT "FK_status_notifications_subscriber" FOREIGN KEY ("subscriber_id") REFERENCES "status_subscribers"("id") ON DELETE CASCADE)`);
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_status_notifications_event" ON "status_notifications" ("subscriber_id", "event_key")');
    await queryRunner.query(`CREATE INDEX "IDX_status_notifications_due" ON "status_notifications" ("next_attempt_at") WHERE "status" IN ('queued', 'sending')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "status_notifications"');
    await queryRunner.query('DROP TABLE "status_subscribers"');
  }
}
