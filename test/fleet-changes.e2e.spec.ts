import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_CHANNEL, FleetChanges } from '#lib/detection';
import { INBOX_CHANNEL } from '#lib/vantages';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { startTestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

/**
 * The fleet announces its changes (migration FleetChangeNotify): a write to monitors, hosts, assignments, a vantage's
 * identity or vote, or a MySQL group's roles NOTIFYs `vigia_fleet` at commit — the watchdogs and the agents' gateway
 * reload on it instead of scanning the catalog every second. A vantage's heartbeat, or a rolled-back write, is silent.
 */
describe('fleet change notifications', () => {
  let db: TestDatabase;
  let writer: pg.Client;
  let listener: pg.Client;
  const heard: string[] = [];
  let tenant: string;

  /** Runs `sql` and waits a moment for what it announces (a notification arrives after its commit, within ms). */
  const announced = async (sql: string, params: unknown[] = []): Promise<string[]> => {
    heard.length = 0;
    await writer.query(sql, params);
    // A marker after it: when the marker is heard, anything the write announced has been heard before it.
    await writer.query("SELECT pg_notify($1, 'marker')", [FLEET_CHANNEL]);
    await eventually('marker heard', async () => (heard.includes('marker') ? true : undefined), { timeoutMs: 5000, everyMs: 10 });
    return heard.filter((h) => h !== 'marker');
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    writer = new pg.Client({ connectionString: db.url });
    listener = new pg.Client({ connectionString: db.url });
    await writer.connect();
    await listener.connect();
    listener.on('notification', (m) => heard.push(m.payload ?? ''));
    await listener.query(`LISTEN ${FLEET_CHANNEL}`);
    tenant = (await writer.query("INSERT INTO tenants (slug, name) VALUES ('t', 'T') RETURNING id")).rows[0].id;
  });
  afterAll(async () => {
    await listener?.end();
    await writer?.end();
    await db?.drop();
  });

  it('a host and a monitor created, edited, deleted: each statement announced once, by its table', async () => {
    expect(await announced("INSERT INTO hosts (tenant_id, name, addresses) VALUES ($1, 'web1', '{127.0.0.1}')", [tenant])).toEqual(['hosts']);
    const host = (await writer.query("SELECT id FROM hosts WHERE name = 'web1'")).rows[0].id;
    expect(await announced("UPDATE hosts SET name = 'web-1' WHERE id = $1", [host])).toEqual(['hosts']);
    expect(await announced(
      "INSERT INTO monitors (tenant_id, name, type, host_id, config, interval_ms, timeout_ms) VALUES ($1, 'www', 'http', $2, '{\"url\":\"http://127.0.0.1/\"}', 1000, 500)", [tenant, host],
    )).toEqual(['monitors']);
    expect(await announced('UPDATE monitors SET enabled = false WHERE tenant_id = $1', [tenant])).toEqual(['monitors']);
    expect(await announced('UPDATE monitors SET updated_at = now() WHERE false')).toEqual(['monitors']);
  });

  it('a vantage: its creation, revocation and impairment are announced; its heartbeats are not', async () => {
    expect(await announced("INSERT INTO vantages (tenant_id, name, kind) VALUES (NULL, 'agent-1', 'platform')")).toEqual(['vantages']);
    expect(await announced("UPDATE vantages SET last_heartbeat_at = now(), probes_per_second = 12 WHERE name = 'agent-1'")).toEqual([]);
    expect(await announced("UPDATE vantages SET impaired_reason = 'heartbeat late' WHERE name = 'agent-1'")).toEqual(['vantages']);
    expect(await announced("UPDATE vantages SET revoked_at = now() WHERE name = 'agent-1'")).toEqual(['vantages']);
  });

  it("an SSH credential's key replaced or the credential removed is announced (a probe target holds the key); its creation is not", async () => {
    expect(await announced(
      "INSERT INTO ssh_credentials (id, tenant_id, name, public_key, fingerprint, private_key_sealed) VALUES (gen_random_uuid(), $1, 'deploy', 'ssh-ed25519 AAAA', 'SHA256:x', 'sealed-1')", [tenant],
    )).toEqual([]);
    expect(await announced("UPDATE ssh_credentials SET private_key_sealed = 'sealed-2' WHERE name = 'deploy'")).toEqual(['ssh_credentials']);
    expect(await announced("DELETE FROM ssh_credentials WHERE name = 'deploy'")).toEqual(['ssh_credentials']);
  });

  it('a rolled-back write is never announced', async () => {
    heard.length = 0;
    expect(await announced("DO $$ BEGIN UPDATE hosts SET name = 'x'; RAISE EXCEPTION 'undo'; EXCEPTION WHEN raise_exception THEN NULL; END $$")).toEqual([]);
  });
});

describe('fleet change listeners', () => {
  it('a process with both roles holds one LISTEN, shared by its watchdog and its agents\' gateway', async () => {
    const api = await startTestApi({ VIGIA_ROLES: 'api,watchdog' });
    try {
      const client = new pg.Client({ connectionString: api.db.url });
      await client.connect();
      try {
        const listeners = async (): Promise<number> =>
          // A connection shows its last statement: the fleet's LISTEN, then the inbox's on the same connection.
          ((await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = ANY($1)', [[`LISTEN ${FLEET_CHANNEL}`, `LISTEN ${INBOX_CHANNEL}`]])).rows[0] as { n: number }).n;
        await eventually('the listener', async () => ((await listeners()) > 0 ? true : undefined));
        expect(await listeners()).toBe(1);
        // Heard, the whole fleet's safety re-read comes every 7.5–10 minutes, a moment of its own in each process;
        // lost, every minute (the fingerprints do not see an SSH credential).
        const changes = api.app.get(FleetChanges);
        await eventually('heard', async () => (changes.isListening ? true : undefined));
        expect(changes.rereadMs()).toBeGreaterThanOrEqual(450_000);
        expect(changes.rereadMs()).toBeLessThanOrEqual(600_000);
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = ANY($1)', [[`LISTEN ${FLEET_CHANNEL}`, `LISTEN ${INBOX_CHANNEL}`]]);
        await eventually('lost', async () => (!changes.isListening ? true : undefined), { timeoutMs: 5000, everyMs: 5 });
        expect(changes.rereadMs()).toBe(60_000);
      } finally {
        await client.end();
      }
    } finally {
      await api.close();
    }
  });
});
