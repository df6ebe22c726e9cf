import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21: a monitor's name is unique on its host (among live monitors), no longer in its tenant — a hosting company
 * names them per host ("http", "ssh" on each of 55 hosts), as services already are.
 *
 * Fleet files now key a monitor `host/name` (as a service): what an apply remembered in `fleet_applied` under a bare
 * name is moved to that key, and a maintenance window's remembered `monitors` list is written the same way (with its
 * digest recomputed), so a file applied before the upgrade still plans as a no-op and its drift records survive.
 * Joined by tenant and name to the live monitor (one at most before this migration); a record of a monitor deleted
 * since keeps its old key (nothing names it; the next apply drops it).
 */
export class MonitorNamesPerHost1796142694167 implements MigrationInterface {
  name = 'MonitorNamesPerHost1796142694167';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_5b1d938e94f89bb80a6f2048df"');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_e92160485c1f4076782281d5ed" ON "monitors" ("host_id", "name") WHERE "deleted_at" IS NULL');
    // Tenant-scoped queries used the old index's first column.
    await queryRunner.query('CREATE INDEX "IDX_899f677c0378817c5b915bff05" ON "monitors" ("tenant_id")');
    await queryRunner.query(`UPDATE fleet_applied fa SET key = h.name || '/' || m.name
      FROM monitors m JOIN hosts h ON h.id = m.host_id
      WHERE fa.kind = 'monitors' AND m.tenant_id = fa.tenant_id AND m.name = fa.key AND m.deleted_at IS NULL`);
    await rewriteWindowSpecs(queryRunner, `SELECT m.tenant_id AS "tenantId", m.name AS "from", h.name || '/' || m.name AS "to"
      FROM monitors m JOIN hosts h ON h.id = m.host_id WHERE m.deleted_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The tenant-wide index cannot come back over two live monitors of one name: say which, rather than fail in SQL.
    const clashes: { tenantId: string; name: string; hosts: string }[] = await queryRunner.query(`SELECT m.tenant_id AS "tenantId", m.name, string_agg(h.name, ', ' ORDER BY h.name) AS hosts
      FROM monitors m JOIN hosts h ON h.id = m.host_id WHERE m.deleted_at IS NULL GROUP BY m.tenant_id, m.name HAVING count(*) > 1 LIMIT 5`);
    if (clashes.length) {
      throw new Error(`cannot revert: monitor names are unique per host now and a tenant has two of one name (${clashes.map((c) => `"${c.name}" on ${c.hosts} in tenant ${c.tenantId}`).join('; ')}): rename them first`);
    }
    await rewriteWindowSpecs(queryRunner, `SELECT m.tenant_id AS "tenantId", h.name || '/' || m.name AS "from", m.name AS "to"
      FROM monitors m JOIN hosts h ON h.id = m.host_id WHERE m.deleted_at IS NULL`);
    await queryRunner.query(`UPDATE fleet_applied fa SET key = m.name
      FROM monitors m JOIN hosts h ON h.id = m.host_id
      WHERE fa.kind = 'monitors' AND m.tenant_id = fa.tenant_id AND h.name || '/' || m.name = fa.key AND m.deleted_at IS NULL`);
    await queryRunner.query('DROP INDEX "public"."IDX_899f677c0378817c5b915bff05"');
    await queryRunner.query('DROP INDEX "public"."IDX_e92160485c1f4076782281d5ed"');
    await queryRunner.query('CREATE UNIQUE INDEX "IDX_5b1d938e94f89bb80a6f2048df" ON "monitors" ("tenant_id", "name") WHERE "deleted_at" IS NULL');
  }
}

/**
 * Renames the monitors of every remembered maintenance window (`spec.monitors`) by `renames` (rows tenantId, from,
 * to), keeps the list sorted and recomputes the digest as libs/fleet does (sha256 of the spec as key-sorted JSON):
 * a migration keeps its own copy, as it must not change when the library does.
 */
async function rewriteWindowSpecs(queryRunner: QueryRunner, renames: string): Promise<void> {
  const windows: { tenantId: string; key: string; spec: Record<string, unknown> }[] = await queryRunner.query(
    `SELECT tenant_id AS "tenantId", key, spec FROM fleet_applied WHERE kind = 'maintenance' AND jsonb_array_length(COALESCE(spec->'monitors', '[]')) > 0`,
  );
  if (!windows.length) return;
  const to = new Map<string, string>();
  for (const r of await queryRunner.query(renames) as { tenantId: string; from: string; to: string }[]) to.set(`${r.tenantId}\n${r.from}`, r.to);
  for (const w of windows) {
    const monitors = (w.spec.monitors as string[]).map((m) => to.get(`${w.tenantId}\n${m}`) ?? m).sort();
    const spec = { ...w.spec, monitors };
    await queryRunner.query(`UPDATE fleet_applied SET spec = $3, digest = $4 WHERE tenant_id = $1 AND kind = 'maintenance' AND key = $2`,
      [w.tenantId, w.key, JSON.stringify(spec), createHash('sha256').update(stableJson(spec)).digest('hex')]);
  }
}

/** JSON with keys in order (libs/fleet's canonical form: undefined keys left out). */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
