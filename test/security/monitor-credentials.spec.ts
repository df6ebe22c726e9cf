import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeTargets } from '#lib/detection';
import { Monitor, openSecrets } from '#lib/inventory';
import { runPendingMigrations, vigiaDataSourceOptions } from '#lib/persistence';
import { SecretBox } from '#lib/secrets';
import { allMigrations } from '#migrations';
import { createTestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { codeOf } from './support.js';

const MONITOR = 'id name config';

describe('monitor credentials are sealed and write-only (issue 18, item 9)', () => {
  let api: TestApi;
  let owner: { token: string };
  let viewer: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant('sealed');
    viewer = await api.userWithRole(owner.token, 'sealed', 'viewer');
    const host = await api.gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "db1", addresses: ["192.0.2.20"]}) { id } }', {}, owner.token);
    ids.host = host.data!.createHost.id;
  });
  afterAll(() => api?.close());

  const create = async (name: string, type: string, config: Record<string, unknown>) => {
    const res = await api.gql<{ createMonitor: { id: string; config: Record<string, unknown> } }>(
      `mutation($i: CreateMonitorInput!) { createMonitor(input: $i) { ${MONITOR} } }`,
      { i: { name, type, hostId: ids.host, config, intervalMs: 60_000, timeoutMs: 5_000, enabled: false } },
      owner.token,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createMonitor;
  };
  const row = async (id: string): Promise<Monitor> => (await api.app.get(DataSource).getRepository(Monitor).findOneByOrFail({ id }));
  /** What a probe of this monitor is given (the watchdog's and probeNow's path). */
  const probeConfig = async (id: string): Promise<Record<string, unknown>> => {
    const m = await row(id);
    return (await api.app.get(ProbeTargets).of({ ...m, address: '192.0.2.20', sshPort: 22, sshUser: 'root', sshHostKey: null, sshCredentialId: null })).config;
  };

  it('returns "<sealed>" for passwords and Authorization headers, to every role, and stores them sealed', async () => {
    const mysql = await create('db1 mysql', 'mysql', { user: 'monitor', password: 'mysql-s3cret' });
    const web = await create('db1 http', 'http', { url: 'http://192.0.2.20/', headers: { Authorization: 'Bearer http-s3cret', Accept: 'text/html' } });
    const smtp = await create('db1 smtp', 'smtp', { port: 25, username: 'probe', password: 'smtp-s3cret' });
    ids.mysql = mysql.id;
    ids.web = web.id;
    expect(mysql.config).toEqual({ user: 'monitor', password: '<sealed>' });
    expect(web.config).toEqual({ url: 'http://192.0.2.20/', headers: { Authorization: '<sealed>', Accept: 'text/html' } });
    expect(smtp.config.password).toBe('<sealed>');
    for (const token of [owner.token, viewer]) {
      const all = JSON.stringify((await api.gql('{ monitors { nodes { config } } }', {}, token)).data);
      expect(all).not.toMatch(/s3cret/);
    }
    const stored = await row(mysql.id);
    expect(JSON.stringify(stored.config)).not.toContain('s3cret');
    expect(stored.secretsSealed).toMatch(/^v1:/);
    expect(stored.secretsSealed).not.toContain('s3cret');
    // Probes still get the clear values.
    expect(await probeConfig(mysql.id)).toEqual({ user: 'monitor', password: 'mysql-s3cret' });
    expect((await probeConfig(web.id)).headers).toEqual({ Authorization: 'Bearer http-s3cret', Accept: 'text/html' });
  });

  it('keeps a credential when an update does not resend it, and replaces it when it does', async () => {
    const update = (id: string, input: Record<string, unknown>) =>
      api.gql<{ updateMonitor: { config: Record<string, unknown> } }>(`mutation($id: ID!, $i: UpdateMonitorInput!) { updateMonitor(id: $id, input: $i) { ${MONITOR} } }`, { id, i: input }, owner.token);
    // The config as read (with "<sealed>"), sent back with another change.
    await update(ids.mysql!, { config: { user: 'monitor', password: '<sealed>', database: 'app' } });
    expect(await probeConfig(ids.mysql!)).toEqual({ user: 'monitor', password: 'mysql-s3cret', database: 'app' });
    // Left out entirely: kept too.
    await update(ids.mysql!, { config: { user: 'monitor2' } });
    expect(await probeConfig(ids.mysql!)).toEqual({ user: 'monitor2', password: 'mysql-s3cret' });
    // Not touching config at all.
    await update(ids.web!, { name: 'db1 http renamed' });
    expect((await probeConfig(ids.web!)).headers).toMatchObject({ Authorization: 'Bearer http-s3cret' });
    // A new value replaces it.
    const res = await update(ids.web!, { config: { url: 'http://192.0.2.20/', headers: { Authorization: 'Bearer rotated' } } });
    expect(res.data?.updateMonitor.config).toEqual({ url: 'http://192.0.2.20/', headers: { Authorization: '<sealed>' } });
    expect((await probeConfig(ids.web!)).headers).toEqual({ Authorization: 'Bearer rotated' });
  });

  it('refuses "<sealed>" where nothing is stored, naming the field, and saves nothing', async () => {
    const res = await api.gql(
      'mutation($i: CreateMonitorInput!) { createMonitor(input: $i) { id } }',
      { i: { name: 'ghost', type: 'mysql', hostId: ids.host, config: { user: 'x', password: '<sealed>' }, intervalMs: 60_000, timeoutMs: 5_000 } },
      owner.token,
    );
    expect(codeOf(res)).toBe('VALIDATION_FAILED');
    expect(res.errors![0]!.extensions?.field).toBe('input.config.password');
    expect(await api.app.get(DataSource).getRepository(Monitor).countBy({ name: 'ghost' })).toBe(0);
  });
});

describe('the migration seals the credentials already stored', () => {
  it('moves clear credentials of existing monitors into sealed storage, or refuses without the master key', { timeout: 60_000 }, async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const sealIndex = allMigrations.findIndex((m) => m.name.startsWith('SealMonitorCredentials'));
      const before = new DataSource({ ...vigiaDataSourceOptions(db.url, []), migrations: allMigrations.slice(0, sealIndex) });
      await before.initialize();
      await before.runMigrations({ transaction: 'all' });
      const [{ id: tenantId }] = await before.query("INSERT INTO tenants (slug, name) VALUES ('old', 'old') RETURNING id");
      const [{ id: hostId }] = await before.query("INSERT INTO hosts (tenant_id, name, addresses) VALUES ($1, 'db1', '{192.0.2.30}') RETURNING id", [tenantId]);
      const [{ id: monitorId }] = await before.query(
        `INSERT INTO monitors (tenant_id, name, type, host_id, config, interval_ms, timeout_ms)
         VALUES ($1, 'old mysql', 'mysql', $2, $3, 60000, 5000) RETURNING id`,
        [tenantId, hostId, JSON.stringify({ user: 'root', password: 'legacy-s3cret', headers: undefined })],
      );
      await before.destroy();

      // Without the master key the migration refuses, and leaves nothing half-done.
      await expect(runPendingMigrations(db.url)).rejects.toThrow(/needs the master key/);
      const box = new SecretBox(randomBytes(32));
      await runPendingMigrations(db.url, () => undefined, { seal: (p, c) => box.seal(p, c) });

      const check = new DataSource(vigiaDataSourceOptions(db.url, []));
      await check.initialize();
      const [after] = await check.query('SELECT config, secrets_sealed FROM monitors WHERE id = $1', [monitorId]);
      await check.destroy();
      expect(after.config).toEqual({ user: 'root', password: '<sealed>' });
      expect(openSecrets(box, monitorId, after.secrets_sealed)).toEqual({ password: 'legacy-s3cret' });
    } finally {
      await db.drop();
    }
  });
});
