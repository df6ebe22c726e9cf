import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Results shown one per row: the waiting batches unnested (vantages' published view, VANTAGES_VIEWS; nothing writes through it). */
const RESULTS_VIEW = `CREATE VIEW "vantages_waiting_results" AS
  SELECT b.id * 100000 + r.n AS id, b.owner, b.vantage_id, b.vantage_name, (r.e->>'monitor_id')::uuid AS monitor_id,
         (r.e->>'tenant_id')::uuid AS tenant_id, to_timestamp((r.e->>'at')::float8 / 1000) AS at, r.e->>'status' AS status,
         (r.e->>'latency_ms')::real AS latency_ms, r.e->>'reason' AS reason, (r.e->>'replayed')::boolean AS replayed, b.received_at
    FROM vantage_result_batches b CROSS JOIN LATERAL jsonb_array_elements(b.results) WITH ORDINALITY AS r(e, n)`;

/**
 * Agents' results travel to the watchdogs one row per batch and owning watchdog instead of one row per result (and a
 * claim naming every agent-probed monitor): PostgreSQL spent 65 µs per probe on that at 6,000 monitors × 3 vantages.
 * Results waiting at the upgrade are moved as one batch per vantage (no owner: the first live watchdog takes them);
 * the view `vantages_waiting_results` lists what waits, one result per row.
 */
export class VantageResultBatches1796200000000 implements MigrationInterface {
  name = 'VantageResultBatches1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "vantage_result_batches" ("id" BIGSERIAL NOT NULL, "owner" text, "vantage_id" uuid NOT NULL, "vantage_name" text NOT NULL, "size" integer NOT NULL, "results" jsonb NOT NULL, "hops" smallint NOT NULL DEFAULT '0', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a7285ce8752351cb576f0a41725" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_9239a3562c5a5b4ed5e4cc2d77" ON "vantage_result_batches" ("received_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_vantage_result_batches_vantage_id" ON "vantage_result_batches" ("vantage_id", "id")`);
    await queryRunner.query(`INSERT INTO vantage_result_batches (owner, vantage_id, vantage_name, size, results, received_at)
      SELECT NULL, vantage_id, vantage_name, count(*)::int,
             jsonb_agg(jsonb_build_object('monitor_id', monitor_id, 'tenant_id', tenant_id, 'at', floor(extract(epoch FROM at) * 1000)::bigint, 'status', status,
                       'latency_ms', latency_ms, 'reason', reason, 'replayed', replayed) ORDER BY id), min(received_at)
        FROM vantage_results GROUP BY vantage_id, vantage_name`);
    await queryRunner.query(`DROP TABLE "vantage_results"`);
    await queryRunner.query(RESULTS_VIEW);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TEMP TABLE "vantage_results_rows" AS SELECT * FROM "vantages_waiting_results"`);
    await queryRunner.query(`DROP VIEW "vantages_waiting_results"`);
    await queryRunner.query(`CREATE TABLE "vantage_results" ("id" BIGSERIAL NOT NULL, "vantage_id" uuid NOT NULL, "vantage_name" text NOT NULL, "monitor_id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL, "latency_ms" real NOT NULL, "reason" text NOT NULL, "replayed" boolean NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0ba6d31ed6994498eb897585db6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_1d1e2226ffbc31687992940cfc" ON "vantage_results" ("received_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_23a87ce7ac11266b139504bb7a" ON "vantage_results" ("monitor_id", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_vantage_results_vantage_id" ON "vantage_results" ("vantage_id", "id")`);
    await queryRunner.query(`INSERT INTO vantage_results (vantage_id, vantage_name, monitor_id, tenant_id, at, status, latency_ms, reason, replayed, received_at)
      SELECT vantage_id, vantage_name, monitor_id, tenant_id, at, status, latency_ms, reason, replayed, received_at FROM vantage_results_rows ORDER BY id`);
    await queryRunner.query(`DROP TABLE "vantage_results_rows"`);
    await queryRunner.query(`DROP TABLE "vantage_result_batches"`);
  }
}
