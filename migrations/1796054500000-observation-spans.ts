import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ObservationSpans1796054500000 implements MigrationInterface {
  name = 'ObservationSpans1796054500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE "observation_spans" ("id" BIGSERIAL NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_observation_spans" PRIMARY KEY ("id"))');
    await queryRunner.query('CREATE INDEX "IDX_observation_spans_ended_at" ON "observation_spans" ("ended_at")');
    // Before spans were recorded nothing says Vigia was blind: that history stays observed, as it was reported.
    await queryRunner.query("INSERT INTO \"observation_spans\" (started_at, ended_at) VALUES ('1970-01-01T00:00:00Z', now())");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "observation_spans"');
  }
}
