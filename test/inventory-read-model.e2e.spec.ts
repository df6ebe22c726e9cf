import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_VIEWS } from '#lib/inventory';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * Inventory's published read model (libs/inventory/src/read-model.ts): the views have exactly the columns the
 * contract lists, every row of the tables (soft-deleted ones included), and PostgreSQL inlines them — each reader's
 * query, as it stands in detection, vantages and incidents, plans exactly as it did on inventory's tables.
 */

/** The readers' queries over the views, as in their files (parameters as those send them). */
const READERS: { name: string; sql: string; params: (ids: Ids) => unknown[] }[] = [
  {
    name: "MonitorCatalog.owned (the watchdog's catalog)",
    sql: `SELECT m.id, m.tenant_id AS "tenantId", m.host_id AS "hostId", m.service_id AS "serviceId", m.name, m.type,
       m.config, m.secrets_sealed AS "secretsSealed", m.interval_ms AS "intervalMs", m.timeout_ms AS "timeoutMs", h.addresses[1] AS address,
       (m.service_id IS NULL) AS "hostLevel", h.ssh_port AS "sshPort", h.ssh_user AS "sshUser",
       h.ssh_host_key AS "sshHostKey", h.ssh_credential_id AS "sshCredentialId"
  FROM inventory_monitor_catalog m JOIN inventory_host_catalog h ON h.id = m.host_id WHERE m.enabled AND m.deleted_at IS NULL AND h.deleted_at IS NULL`,
    params: () => [],
  },
  {
    name: 'MonitorCatalog.byIds (an agent’s assignment)',
    sql: `SELECT m.id, h.addresses[1] AS address, h.ssh_port AS "sshPort"
  FROM inventory_monitor_catalog m JOIN inventory_host_catalog h ON h.id = m.host_id WHERE m.id = ANY($1::uuid[]) AND m.enabled AND m.deleted_at IS NULL AND h.deleted_at IS NULL`,
    params: (ids) => [ids.monitors.slice(0, 20)],
  },
  {
    name: 'MonitorCatalog.fingerprint',
    sql: `SELECT count(*)::int AS n, max(m.updated_at) AS m, max(h.updated_at) AS h
         FROM inventory_monitor_catalog m JOIN inventory_host_catalog h ON h.id = m.host_id WHERE m.enabled AND m.deleted_at IS NULL AND h.deleted_at IS NULL`,
    params: () => [],
  },
  {
    name: 'MonitorHealth.ofHosts (the health read model)',
    sql: `SELECT m.host_id AS "hostId", m.id AS "monitorId", m.type::text AS type, s.health, s.since, s.last_reason AS "lastReason"
         FROM inventory_monitor_catalog m JOIN monitor_states s ON s.monitor_id = m.id
        WHERE m.tenant_id = $1 AND m.host_id = ANY($2::uuid[]) AND m.enabled AND m.deleted_at IS NULL AND ($3::text IS NULL OR m.type::text = $3)`,
    params: (ids) => [ids.tenant, ids.hosts.slice(0, 3), null],
  },
  {
    name: 'MonitorHealth.suspectOn',
    sql: `SELECT m.host_id AS "hostId", m.id AS "monitorId", s.since
         FROM inventory_monitor_catalog m JOIN monitor_states s ON s.monitor_id = m.id
        WHERE m.host_id = ANY($1::uuid[]) AND s.health = 'suspect' AND m.enabled AND m.deleted_at IS NULL`,
    params: (ids) => [ids.hosts.slice(0, 3)],
  },
  {
    name: 'Host.health',
    sql: `SELECT coalesce(s.health, 'unknown') AS health FROM inventory_monitor_catalog m LEFT JOIN monitor_states s ON s.monitor_id = m.id
  WHERE m.tenant_id = $2 AND m.enabled AND m.deleted_at IS NULL AND m.host_id = $1`,
    params: (ids) => [ids.hosts[0], ids.tenant],
  },
  {
    name: 'fleetSummary',
    sql: `SELECT coalesce(s.health, 'unknown') AS health, count(*)::int AS count, count(*) FILTER (WHERE s.flapping)::int AS flapping
         FROM inventory_monitor_catalog m LEFT JOIN monitor_states s ON s.monitor_id = m.id WHERE m.tenant_id = $1 AND m.enabled AND m.deleted_at IS NULL GROUP BY 1`,
    params: (ids) => [ids.tenant],
  },
  {
    name: 'fleet (monitors with health, up to 50,000)',
    sql: `SELECT m.id, m.name, m.type::text AS type, m.enabled, m.host_id, m.service_id, coalesce(s.health, 'unknown') AS health,
                  coalesce(s.flapping, false) AS flapping, (extract(epoch FROM s.since) * 1000)::float8 AS since_ms, s.reason
             FROM inventory_monitor_catalog m LEFT JOIN monitor_states s ON s.monitor_id = m.id
            WHERE m.tenant_id = $1 AND m.deleted_at IS NULL LIMIT 50000`,
    params: (ids) => [ids.tenant],
  },
  {
    name: "StateStore's upsert (the probe path: a purged monitor skipped)",
    sql: `INSERT INTO monitor_states (monitor_id, tenant_id, health, since, flapping, reason, last_result_at, last_status, last_latency_ms, last_reason, detector)
  SELECT u.* FROM jsonb_to_recordset($1::jsonb)
    AS u(monitor_id uuid, tenant_id uuid, health text, since timestamptz, flapping boolean, reason text, last_result_at timestamptz, last_status text, last_latency_ms real, last_reason text, detector jsonb)
  WHERE EXISTS (SELECT 1 FROM inventory_monitor_catalog m WHERE m.id = u.monitor_id)
  ORDER BY u.monitor_id
  ON CONFLICT (monitor_id) DO UPDATE SET health = excluded.health`,
    params: () => ['[]'],
  },
  {
    name: "VantageHealthEvaluator's network evidence",
    sql: `SELECT s.monitor_id, s.tenant_id, v.key AS vantage
         FROM monitor_states s JOIN inventory_monitor_catalog m ON m.id = s.monitor_id AND m.enabled AND m.deleted_at IS NULL
        CROSS JOIN LATERAL jsonb_each(s.detector->'vantages') v
        WHERE (v.value->>'at')::float8 > $1`,
    params: () => [0],
  },
  {
    name: 'WatchdogPresence (any monitor enabled)',
    sql: 'SELECT EXISTS (SELECT 1 FROM inventory_monitor_catalog WHERE enabled AND deleted_at IS NULL) AS monitors',
    params: () => [],
  },
  {
    name: 'IncidentHistory.openOfDeletedMonitors',
    sql: `SELECT m.id, m.tenant_id AS "tenantId", m.host_id AS "hostId", m.service_id AS "serviceId", m.name, m.deleted_at AS "deletedAt"
         FROM incidents i JOIN inventory_monitor_catalog m ON m.id = i.monitor_id WHERE i.status = 'open' AND m.deleted_at IS NOT NULL LIMIT $1`,
    params: () => [500],
  },
  {
    name: 'VantageAssignments.resolve',
    sql: `SELECT m.id AS monitor_id, m.tenant_id, coalesce(mv.vantage_ids, CASE WHEN mv.monitor_id IS NULL THEN d.vantage_ids END) AS vantage_ids
         FROM inventory_monitor_catalog m LEFT JOIN monitor_vantages mv ON mv.monitor_id = m.id LEFT JOIN tenant_vantage_defaults d ON d.tenant_id = m.tenant_id
        WHERE m.id = ANY($1::uuid[]) AND (mv.monitor_id IS NOT NULL OR d.tenant_id IS NOT NULL)`,
    params: (ids) => [ids.monitors.slice(0, 50)],
  },
  {
    name: 'VantageAssignments.monitorsOf',
    sql: `SELECT m.id AS monitor_id, m.tenant_id
         FROM inventory_monitor_catalog m JOIN inventory_host_catalog h ON h.id = m.host_id
         LEFT JOIN monitor_vantages mv ON mv.monitor_id = m.id LEFT JOIN tenant_vantage_defaults d ON d.tenant_id = m.tenant_id
        WHERE m.enabled AND m.deleted_at IS NULL AND h.deleted_at IS NULL AND ($2::uuid IS NULL OR m.tenant_id = $2::uuid)
          AND CASE WHEN mv.monitor_id IS NOT NULL THEN (mv.vantage_ids IS NULL AND $2::uuid IS NULL) OR $1::uuid = ANY(mv.vantage_ids)
                   WHEN d.tenant_id IS NOT NULL THEN (d.vantage_ids IS NULL AND $2::uuid IS NULL) OR $1::uuid = ANY(d.vantage_ids)
                   ELSE false END
        ORDER BY m.id`,
    params: (ids) => [ids.monitors[0], ids.tenant],
  },
];

interface Ids {
  tenant: string;
  hosts: string[];
  monitors: string[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Join Type'?: string;
  Strategy?: string;
  Plans?: PlanNode[];
  [detail: string]: unknown;
}

/**
 * A plan as the planner chose it: each node's type, table, index, join type and conditions, without the aliases
 * (a view's relation shows under the view's own alias, `monitors`, where the reader's showed `m`).
 */
function shape(node: PlanNode): unknown {
  const unaliased = (text: unknown) => (typeof text === 'string' ? text.replace(/\b[a-z_]+\./g, '') : text);
  return {
    node: node['Node Type'], table: node['Relation Name'], index: node['Index Name'], join: node['Join Type'], strategy: node.Strategy,
    ...Object.fromEntries(Object.entries(node).filter(([k]) => /Cond|Filter|Sort Key|Group Key/.test(k)).map(([k, v]) => [k, Array.isArray(v) ? v.map(unaliased) : unaliased(v)])),
    plans: node.Plans?.map(shape),
  };
}

/** The same query on inventory's tables, as the readers ran it before the read model. */
const onTables = (sql: string) => sql.replaceAll('inventory_monitor_catalog', 'monitors').replaceAll('inventory_host_catalog', 'hosts');

describe("inventory's published read model", () => {
  let db: TestDatabase;
  let client: pg.Client;
  const ids: Ids = { tenant: '', hosts: [], monitors: [] };
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => (await client.query(sql, params)).rows as T[];

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // Two tenants, 600 hosts (some deleted), 6,000 monitors (some disabled or deleted), states for most, a few open
    // incidents (some of deleted monitors): enough rows that the planner chooses indexes where it did before.
    const tenants = await q<{ id: string }>("INSERT INTO tenants (slug, name) SELECT 'rm-' || i, 'rm ' || i FROM generate_series(1, 2) i RETURNING id");
    ids.tenant = tenants[0]!.id;
    await q(
      `INSERT INTO hosts (tenant_id, name, addresses, deleted_at)
       SELECT (ARRAY[$1, $2]::uuid[])[1 + i % 2], 'h' || i, ARRAY['192.0.2.' || (i % 250)], CASE WHEN i % 50 = 0 THEN now() END FROM generate_series(1, 600) i`,
      [tenants[0]!.id, tenants[1]!.id],
    );
    await q(
      `INSERT INTO monitors (tenant_id, name, type, host_id, config, interval_ms, timeout_ms, enabled, deleted_at)
       SELECT h.tenant_id, 'm' || j, 'tcp', h.id, '{"port": 80}', 60000, 1000, j % 7 <> 0, CASE WHEN h.deleted_at IS NOT NULL OR j = 9 THEN now() END
         FROM hosts h, generate_series(1, 10) j`,
    );
    await q(
      `INSERT INTO monitor_states (monitor_id, tenant_id, health, since, reason, detector)
       SELECT id, tenant_id, (ARRAY['up', 'down', 'suspect'])[1 + abs(hashtext(id::text)) % 3], now(), '', '{"vantages": {}}' FROM monitors WHERE name <> 'm3'`,
    );
    await q(
      `INSERT INTO incidents (tenant_id, monitor_id, host_id, status, opened_at, open_reason)
       SELECT tenant_id, id, host_id, 'open', now(), 'down' FROM monitors WHERE name = 'm2' OR (name = 'm9' AND host_id IN (SELECT id FROM hosts ORDER BY id LIMIT 20))`,
    );
    ids.hosts = (await q<{ id: string }>('SELECT id FROM hosts WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id', [ids.tenant])).map((r) => r.id);
    ids.monitors = (await q<{ id: string }>('SELECT id FROM monitors WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id', [ids.tenant])).map((r) => r.id);
    await q('ANALYZE');
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('has exactly the columns the contract lists, in its order', async () => {
    for (const [view, columns] of Object.entries(INVENTORY_VIEWS)) {
      const found = await q<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        [view],
      );
      expect(found.map((c) => c.column_name), view).toEqual([...columns]);
    }
  });

  it('holds every row of the tables, soft-deleted ones included, with their values', async () => {
    const [row] = await q<{ monitors: number; viewed: number; hosts: number; hosts_viewed: number; differ: number }>(
      `SELECT (SELECT count(*)::int FROM monitors) AS monitors, (SELECT count(*)::int FROM inventory_monitor_catalog) AS viewed,
              (SELECT count(*)::int FROM hosts) AS hosts, (SELECT count(*)::int FROM inventory_host_catalog) AS hosts_viewed,
              (SELECT count(*)::int FROM monitors m JOIN inventory_monitor_catalog v USING (id)
                WHERE (v.enabled, v.deleted_at, v.host_id, v.updated_at) IS DISTINCT FROM (m.enabled, m.deleted_at, m.host_id, m.updated_at)) AS differ`,
    );
    expect(row).toEqual({ monitors: 6000, viewed: 6000, hosts: 600, hosts_viewed: 600, differ: 0 });
    expect((await q('SELECT 1 FROM inventory_monitor_catalog WHERE deleted_at IS NOT NULL')).length).toBeGreaterThan(0);
  });

  it("is inlined: each reader's query plans exactly as it did on inventory's tables", async () => {
    const plan = async (sql: string, params: unknown[]) => shape((await q<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (COSTS OFF, FORMAT JSON) ${sql}`, params))[0]!['QUERY PLAN'][0].Plan);
    for (const reader of READERS) {
      const before = await plan(onTables(reader.sql), reader.params(ids));
      expect(await plan(reader.sql, reader.params(ids)), reader.name).toEqual(before);
    }
    // …with the tables' indexes where the readers used them: an agent's monitors by primary key, one host's by host_id.
    const named = (name: string) => READERS.find((r) => r.name.startsWith(name))!;
    expect(JSON.stringify(await plan(named('MonitorCatalog.byIds').sql, named('MonitorCatalog.byIds').params(ids)))).toMatch(/"index":"PK_/);
    expect(JSON.stringify(await plan(named('Host.health').sql, named('Host.health').params(ids)))).toMatch(/"index":"IDX_/);
  });
});
