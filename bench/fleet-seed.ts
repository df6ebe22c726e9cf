import pg from 'pg';

export interface SeededFleet {
  monitors: number;
  hosts: number;
  /** The name of the last monitor in fleet order, for "find the needle" checks. */
  lastMonitor: string;
  down: number;
}

/**
 * A hosting company's fleet of `monitors` monitors straight into the database of an existing tenant: 10 sites,
 * 20 monitors per host, one web service per host, states mostly up with some down, degraded, suspect and flapping,
 * and one host in maintenance. Addresses are TEST-NET (192.0.2.0/24): nothing probes them (seed an API-only process).
 */
export async function seedFleet(url: string, tenantId: string, monitors = 10_000): Promise<SeededFleet> {
  const hosts = Math.ceil(monitors / 20);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(`INSERT INTO sites (tenant_id, name) SELECT $1, 'dc' || lpad(i::text, 2, '0') FROM generate_series(1, 10) i`, [tenantId]);
    await c.query(
      `INSERT INTO hosts (tenant_id, name, addresses, site_id)
       SELECT $1, 'web' || lpad(i::text, 4, '0'), ARRAY['192.0.2.' || (i % 250 + 1)],
              (SELECT id FROM sites WHERE tenant_id = $1 AND name = 'dc' || lpad((1 + i % 10)::text, 2, '0'))
         FROM generate_series(1, $2) i`,
      [tenantId, hosts],
    );
    await c.query(`INSERT INTO services (tenant_id, name, type, host_id, port) SELECT $1, 'www.' || h.name || '.example', 'web', h.id, 80 FROM hosts h WHERE h.tenant_id = $1`, [tenantId]);
    await c.query(
      `INSERT INTO monitors (tenant_id, name, type, host_id, service_id, config, interval_ms, timeout_ms)
       SELECT $1, h.name || '-check-' || lpad(k::text, 2, '0'), 'http', h.id, s.id,
              jsonb_build_object('url', 'http://' || h.addresses[1] || '/check/' || k), 10000, 3000
         FROM hosts h JOIN services s ON s.host_id = h.id CROSS JOIN generate_series(1, 20) k
        WHERE h.tenant_id = $1 ORDER BY h.name, k LIMIT $2`,
      [tenantId, monitors],
    );
    await c.query(
      `INSERT INTO monitor_states (monitor_id, tenant_id, health, since, flapping, reason, last_result_at, last_status, last_latency_ms, detector)
       SELECT m.id, $1,
              CASE WHEN n % 97 = 0 THEN 'down' WHEN n % 401 = 0 THEN 'degraded' WHEN n % 503 = 0 THEN 'suspect' ELSE 'up' END,
              now() - (n % 600) * interval '1 minute', n % 1499 = 0,
              CASE WHEN n % 97 = 0 THEN 'HTTP 503 from 192.0.2.' || (n % 250) ELSE 'HTTP 200 in ' || (20 + n % 80) || ' ms' END,
              now(), 'up', 20 + n % 80, '{}'::jsonb
         FROM (SELECT id, row_number() OVER (ORDER BY name) AS n FROM monitors WHERE tenant_id = $1) m`,
      [tenantId],
    );
    await c.query(
      `INSERT INTO maintenance_windows (tenant_id, name, starts_at, ends_at, host_ids)
       SELECT $1, 'kernel update', now() - interval '1 hour', now() + interval '1 hour', ARRAY[id] FROM hosts WHERE tenant_id = $1 AND name = 'web0007'`,
      [tenantId],
    );
    await c.query('COMMIT');
    // As autovacuum would soon after such a load: plans for a fleet this size, not for empty tables.
    await c.query('ANALYZE sites, hosts, services, monitors, monitor_states, maintenance_windows');
    const { rows } = await c.query(
      `SELECT (SELECT count(*)::int FROM monitor_states WHERE tenant_id = $1 AND health = 'down') AS down,
              (SELECT m.name FROM monitors m JOIN hosts h ON h.id = m.host_id JOIN sites si ON si.id = h.site_id
                WHERE m.tenant_id = $1 ORDER BY si.name DESC, h.name DESC, m.name DESC LIMIT 1) AS last`,
      [tenantId],
    );
    return { monitors, hosts, lastMonitor: rows[0].last as string, down: rows[0].down as number };
  } catch (error) {
    await c.query('ROLLBACK');
    throw error;
  } finally {
    await c.end();
  }
}
