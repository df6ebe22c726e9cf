import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19, items 2, 3, 7 and 9: deletion keeps history (`deleted_at` on monitors, services, hosts and customers;
 * names unique among live rows only), services get a customer-facing name, and `service_customers` becomes link
 * periods with a start, an end and a weight. Existing links start at the later of the service's and the customer's
 * creation (the earliest instant both existed), have no end and weigh 1.
 */
export class SoftDeleteAndLinkPeriods1796047538957 implements MigrationInterface {
  name = 'SoftDeleteAndLinkPeriods1796047538957';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Soft deletion, and names unique among the live rows only (a deleted web1 leaves the name free).
    for (const table of ['customers', 'hosts', 'services', 'monitors']) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    }
    await queryRunner.query('DROP INDEX "public"."IDX_39563e005024b7ece81ed65ab8"');
    await queryRunner.query('DROP INDEX "public"."IDX_8c3e24648ace87b8903019579b"');
    await queryRunner.query('DROP INDEX "public"."IDX_12032865e95a3bf54e13973f4e"');
    await queryRunner.query('DROP INDEX "public"."IDX_07d3e8766fa56855b1b702b2a7"');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_3dd5e26dad199fd8936e63a22f" ON "customers"  ("tenant_id", "name") WHERE "deleted_at" IS NULL');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_408c3c3f2f1854220706f9d8e0" ON "hosts"  ("tenant_id", "name") WHERE "deleted_at" IS NULL');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_5a0d88d625541e476dc7c8c421" ON "services"  ("host_id", "name") WHERE "deleted_at" IS NULL');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_5b1d938e94f89bb80a6f2048df" ON "monitors"  ("tenant_id", "name") WHERE "deleted_at" IS NULL');
    await queryRunner.query('ALTER TABLE "services" ADD "customer_facing_name" text');

    // service_customers: from a join table (one row per pair) to link periods (several per pair, own id).
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "FK_08a3667400c6b2a6e7d83029292"');
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "FK_034bf124683962ab545d73108d6"');
    await queryRunner.query('ALTER TABLE "service_customers" ADD "id" uuid NOT NULL DEFAULT gen_random_uuid()');
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "PK_7737bc3774ed754e286124e7cb2"');
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "PK_3b4e0866b335cd1562baafec262" PRIMARY KEY ("id")');
    await queryRunner.query('ALTER TABLE "service_customers" ADD "tenant_id" uuid');
    await queryRunner.query('ALTER TABLE "service_customers" ADD "starts_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query(
      `UPDATE "service_customers" sc SET tenant_id = s.tenant_id, starts_at = greatest(s.created_at, c.created_at)
         FROM "services" s, "customers" c WHERE s.id = sc.service_id AND c.id = sc.customer_id`,
    );
    await queryRunner.query('ALTER TABLE "service_customers" ALTER COLUMN "tenant_id" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "service_customers" ALTER COLUMN "starts_at" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "service_customers" ALTER COLUMN "starts_at" SET DEFAULT now()');
    await queryRunner.query('ALTER TABLE "service_customers" ADD "ends_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "service_customers" ADD "weight" numeric NOT NULL DEFAULT \'1\'');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_4e8b27b7fb2c5262df016b5b85" ON "service_customers"  ("service_id", "customer_id") WHERE "ends_at" IS NULL');
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "ck_service_customers_period" CHECK ("ends_at" IS NULL OR "ends_at" > "starts_at")');
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "ck_service_customers_weight" CHECK ("weight" > 0)');
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "FK_d5d58bfc4124954a770bce9ef69" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION');
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "FK_08a3667400c6b2a6e7d83029292" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE NO ACTION');
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "FK_034bf124683962ab545d73108d6" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "FK_034bf124683962ab545d73108d6"');
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "FK_08a3667400c6b2a6e7d83029292"');
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "FK_d5d58bfc4124954a770bce9ef69"');
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "ck_service_customers_weight"');
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "ck_service_customers_period"');
    await queryRunner.query('DROP INDEX "public"."IDX_4e8b27b7fb2c5262df016b5b85"');
    // The old table meant "linked now": ended periods have no place in it (at most one open period per pair remains).
    await queryRunner.query('DELETE FROM "service_customers" WHERE "ends_at" IS NOT NULL');
    await queryRunner.query('ALTER TABLE "service_customers" DROP CONSTRAINT "PK_3b4e0866b335cd1562baafec262"');
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "PK_7737bc3774ed754e286124e7cb2" PRIMARY KEY ("service_id", "customer_id")');
    for (const column of ['weight', 'ends_at', 'starts_at', 'tenant_id', 'id']) {
      await queryRunner.query(`ALTER TABLE "service_customers" DROP COLUMN "${column}"`);
    }
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "FK_034bf124683962ab545d73108d6" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE');
    await queryRunner.query('ALTER TABLE "service_customers" ADD CONSTRAINT "FK_08a3667400c6b2a6e7d83029292" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE CASCADE');

    await queryRunner.query('ALTER TABLE "services" DROP COLUMN "customer_facing_name"');
    await queryRunner.query('DROP INDEX "public"."IDX_5b1d938e94f89bb80a6f2048df"');
    await queryRunner.query('DROP INDEX "public"."IDX_5a0d88d625541e476dc7c8c421"');
    await queryRunner.query('DROP INDEX "public"."IDX_408c3c3f2f1854220706f9d8e0"');
    await queryRunner.query('DROP INDEX "public"."IDX_3dd5e26dad199fd8936e63a22f"');
    // Deleted rows would break the restored unique names and come back to life: a revert removes them for good.
    await queryRunner.query('DELETE FROM "monitors" WHERE "deleted_at" IS NOT NULL');
    await queryRunner.query('DELETE FROM "services" WHERE "deleted_at" IS NOT NULL');
    await queryRunner.query('DELETE FROM "hosts" WHERE "deleted_at" IS NOT NULL');
    await queryRunner.query('DELETE FROM "customers" WHERE "deleted_at" IS NOT NULL');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_07d3e8766fa56855b1b702b2a7" ON "monitors" USING btree ("tenant_id", "name") ');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_12032865e95a3bf54e13973f4e" ON "services" USING btree ("host_id", "name") ');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_8c3e24648ace87b8903019579b" ON "hosts" USING btree ("tenant_id", "name") ');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_39563e005024b7ece81ed65ab8" ON "customers" USING btree ("tenant_id", "name") ');
    for (const table of ['monitors', 'services', 'hosts', 'customers']) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "deleted_at"`);
    }
  }
}
