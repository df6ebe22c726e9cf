import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IncidentOutbox1796054600000 implements MigrationInterface {
  name = 'IncidentOutbox1796054600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "incident_outbox" ("id" BIGSERIAL NOT NULL, "consumer" text NOT NULL, "tenant_id" uuid NOT NULL, "incident_id" uuid NOT NULL,
      "kind" text NOT NULL, "payload" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "available_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT 0, "handled_at" TIMESTAMP WITH TIME ZONE,
      "last_error" text, CONSTRAINT "PK_incident_outbox" PRIMARY KEY ("id"))`);
    await queryRunner.query('CREATE INDEX "IDX_incident_outbox_pending" ON "incident_outbox" ("consumer", "available_at") WHERE handled_at IS NULL');
    await queryRunner.query('CREATE INDEX "IDX_incident_outbox_incident" ON "incident_outbox" ("incident_id")');
    await queryRunner.query('ALTER TABLE "incident_outbox" ADD CONSTRAINT "FK_incident_outbox_incident" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "incident_outbox"');
  }
}
