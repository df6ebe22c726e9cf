import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetMaintenance, type FleetObject } from '#lib/fleet';
import { revertLastMigration, runPendingMigrations } from '#lib/persistence';
import { allMigrations } from '#migrations';
import { digestOf } from '../libs/fleet/src/plan/canonical.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const MIGRATION = 'MonitorNamesPerHost1796142694167';

/** A maintenance window as an apply from before issue 21 remembered it: its monitors by bare name. */
const windowSpec = (monitors: string[]): FleetMaintenance => ({
  name: 'patch', from: '2026-12-01T02:00Z', until: '2026-12-01T04:00Z', timeZone: null, recurrence: null, hosts: [], services: [], monitors,
});

/**
 * Issue 21's migration on a schema seeded as it stood before it (monitor names unique per tenant): the index moves
 * to (host_id, name), and what fleet applies remembered moves to the new keys (`host/name`) with a window's digest
 * the one libs/fleet computes, so drift records survive; down() refuses clearly while two hosts share a name.
 */
describe('migration: monitor names unique per host', () => {
  let db: TestDatabase;
  let client: pg.Client;
  const ids: Record<string, string> = {};
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => (await client.query(sql, params)).rows as T[];
  const applied = async (tenant: string) => q<{ kind: string; key: string; digest: string; spec: Record<string, unknown> }>(
    'SELECT kind, key, digest, spec FROM fleet_applied WHERE tenant_id = $1 ORDER BY kind, key', [ids[tenant]],
  );
  const monitor = async (tenant: string, host: string, name: string, deleted = false) => (await q<{ id: string }>(
    `INSERT INTO monitors (tenant_id, name, type, host_id, config, interval_ms, timeout_ms, deleted_at) VALUES ($1, $2, 'tcp', $3, '{}', 60000, 1000, $4) RETURNING id`,
    [ids[tenant], name, ids[host], deleted ? new Date() : null],
  ))[0]!.id;
  const remember = (tenant: string, kind: string, key: string, spec: Record<string, unknown>, digest: string) => q(
    `INSERT INTO fleet_applied (tenant_id, kind, key, digest, spec, applied_at, applied_by) VALUES ($1, $2, $3, $4, $5, now(), 'user:test')`,
    [ids[tenant], kind, key, digest, JSON.stringify(spec)],
  );

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    await runPendingMigrations(db.url);
    // Back to just before this migration (later ones, if any, first).
    const at = allMigrations.findIndex((m) => m.name === MIGRATION);
    expect(at).toBeGreaterThan(0);
    for (let n = allMigrations.length; n > at; n--) await revertLastMigration(db.url);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    for (const slug of ['a', 'b']) ids[slug] = (await q<{ id: string }>(`INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id`, [`mig-${slug}`]))[0]!.id;
    for (const [tenant, host] of [['a', 'web-1'], ['a', 'web-2'], ['b', 'b-1']] as const) {
      ids[host] = (await q<{ id: string }>(`INSERT INTO hosts (tenant_id, name, addresses) VALUES ($1, $2, '{192.0.2.1}') RETURNING id`, [ids[tenant], host]))[0]!.id;
    }
    await monitor('a', 'web-1', 'web-1-http');
    await monitor('a', 'web-2', 'ssh');
    await monitor('a', 'web-1', 'gone', true);
    // Another tenant's monitor of the same name: its record must take its own host, not tenant a's.
    await monitor('b', 'b-1', 'ssh');
    for (const [tenant, key] of [['a', 'web-1-http'], ['a', 'ssh'], ['a', 'gone'], ['b', 'ssh']] as const) await remember(tenant, 'monitors', key, { name: key }, `digest-${key}`);
    const before = windowSpec(['ssh', 'web-1-http']);
    await remember('a', 'maintenance', 'patch', before as never, digestOf('maintenance', before as FleetObject));
    await remember('a', 'hosts', 'web-1', { name: 'web-1' }, 'digest-host');
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('moves remembered monitors to host/name, in their own tenant, and leaves the rest alone', async () => {
    expect(await runPendingMigrations(db.url)).toContain(MIGRATION);
    const a = await applied('a');
    expect(a.map((r) => `${r.kind}:${r.key}`)).toEqual(['hosts:web-1', 'maintenance:patch', 'monitors:gone', 'monitors:web-1/web-1-http', 'monitors:web-2/ssh']);
    // The spec and digest of a monitor are not about its key: unchanged.
    expect(a.find((r) => r.key === 'web-2/ssh')).toMatchObject({ digest: 'digest-ssh', spec: { name: 'ssh' } });
    expect((await applied('b')).map((r) => `${r.kind}:${r.key}`)).toEqual(['monitors:b-1/ssh']);
  });

  it("rewrites a window's monitors as host/name with the digest libs/fleet gives that spec", async () => {
    const window = (await applied('a')).find((r) => r.kind === 'maintenance')!;
    const after = windowSpec(['web-1/web-1-http', 'web-2/ssh']);
    expect(window.spec).toEqual(after);
    expect(window.digest).toBe(digestOf('maintenance', after as FleetObject));
  });

  it('lets two hosts have a monitor of one name, and not one host two', async () => {
    await monitor('a', 'web-1', 'http');
    const second = await monitor('a', 'web-2', 'http');
    await expect(monitor('a', 'web-1', 'http')).rejects.toMatchObject({ code: '23505', detail: expect.stringContaining('(host_id, name)') });
    // A deleted one's name can be used again on its host.
    await q('UPDATE monitors SET deleted_at = now() WHERE id = $1', [second]);
    await monitor('a', 'web-2', 'http');
  });

  it('refuses to revert while two hosts share a monitor name, naming them; reverts cleanly once renamed', async () => {
    // The migrations after this one are reverted first (the last one reverted is always the newest).
    for (let n = allMigrations.length - 1 - allMigrations.findIndex((m) => m.name === MIGRATION); n > 0; n--) await revertLastMigration(db.url);
    await expect(revertLastMigration(db.url)).rejects.toThrow(/"http" on web-1, web-2 in tenant .*rename them first/);
    await q(`UPDATE monitors SET name = 'http-2' WHERE host_id = $1 AND name = 'http' AND deleted_at IS NULL`, [ids['web-2']]);
    await revertLastMigration(db.url);
    const a = await applied('a');
    expect(a.map((r) => `${r.kind}:${r.key}`)).toEqual(['hosts:web-1', 'maintenance:patch', 'monitors:gone', 'monitors:ssh', 'monitors:web-1-http']);
    const before = windowSpec(['ssh', 'web-1-http']);
    expect(a.find((r) => r.kind === 'maintenance')).toMatchObject({ spec: before, digest: digestOf('maintenance', before as FleetObject) });
    // The tenant-wide index is back.
    await expect(monitor('a', 'web-2', 'web-1-http')).rejects.toMatchObject({ code: '23505' });
  });
});
