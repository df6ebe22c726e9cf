import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeType } from '#lib/inventory';
import { MysqlProbe, ProbeRunner } from '#lib/probes';
import { type MariaDbInstance, startReplicationPair } from './support/mariadb.js';
import { testEgressPolicy } from '../support/test-egress.js';
import { eventually } from '../support/eventually.js';

const runner = new ProbeRunner([new MysqlProbe()], testEgressPolicy());

const until = <T>(check: () => Promise<T | undefined>): Promise<T> => eventually('the replica to reach the state awaited', check, { timeoutMs: 20_000, everyMs: 250 });

describe('MySQL probe against a real MariaDB primary and GTID replica', () => {
  let primary: MariaDbInstance;
  let replica: MariaDbInstance;
  const probe = (db: MariaDbInstance, extra: Record<string, unknown> = {}) =>
    runner.run({ type: ProbeType.mysql, address: '127.0.0.1', timeoutMs: 3000, config: { port: db.port, user: 'vigia', password: 'probe-pass', ...extra } });

  beforeAll(async () => {
    ({ primary, replica } = await startReplicationPair());
  }, 90_000);
  afterAll(async () => {
    await replica?.destroy();
    await primary?.destroy();
  });

  it('reads the primary: up, writable, with its GTID position', async () => {
    await primary.sql("INSERT INTO shop.orders (note) VALUES ('first')");
    const result = await probe(primary, { query: 'SELECT 1' });
    expect(result.status).toBe('up');
    expect(result.reason).toMatch(new RegExp(`^MySQL 127\\.0\\.0\\.1:${primary.port} answered in [\\d.]+ ms$`));
    expect(result.details).toMatchObject({ readOnly: false });
    expect(String(result.details?.gtid)).toMatch(/^0-1-\d+$/);
  });

  it('reads the replica: replicating, read_only, lag within the threshold', async () => {
    const result = await until(async () => {
      const r = await probe(replica, { replica: true, maxLagSeconds: 30 });
      return r.status === 'up' ? r : undefined;
    });
    expect(result.reason).toMatch(new RegExp(`\\(read_only\\), replicating from 127\\.0\\.0\\.1:${primary.port}, Seconds_Behind_Master=0$`));
  });

  it('is degraded when the SQL thread is stopped, and says so', async () => {
    await replica.sql('STOP SLAVE SQL_THREAD');
    const result = await probe(replica, { replica: true });
    expect(result.status).toBe('degraded');
    expect(result.reason).toMatch(/replica SQL thread stopped$/);
    await replica.sql('START SLAVE SQL_THREAD');
    await until(async () => ((await probe(replica, { replica: true })).status === 'up' ? true : undefined));
  });

  it('is degraded when lag passes the threshold', async () => {
    await replica.sql('STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=30; START SLAVE');
    await primary.sql("INSERT INTO shop.orders (note) VALUES ('delayed')");
    const lagging = await until(async () => {
      const r = await probe(replica, { replica: true, maxLagSeconds: 2 });
      return r.status === 'degraded' ? r : undefined;
    });
    expect(lagging.reason).toMatch(/Seconds_Behind_Master=\d+ > 2$/);
    await replica.sql('STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE');
  }, 30_000);

  it("shows the replica's IO error once the primary is gone, and the primary as down", async () => {
    await primary.stop(true);
    const down = await probe(primary);
    expect(down.status).toBe('down');
    expect(down.reason).toMatch(/ECONNREFUSED/);
    const broken = await until(async () => {
      const r = await probe(replica, { replica: true });
      return r.status === 'degraded' && /IO thread stopped: .+/.test(r.reason) ? r : undefined;
    });
    expect(broken.reason).toMatch(/replica IO thread stopped: .*(reconnect|connect)/i);
    await primary.launch();
  }, 40_000);

  it('a user without the replication grant: up (the login and query work), replication unknown; degraded where a replica is expected', async () => {
    await replica.sql("CREATE USER IF NOT EXISTS 'plain'@'%' IDENTIFIED BY 'plain-pass'");
    const plain = { user: 'plain', password: 'plain-pass', query: 'SELECT 1' };
    const result = await probe(replica, plain);
    expect(result.status).toBe('up');
    expect(result.reason).toMatch(/\(replication state not readable: the user lacks the SLAVE MONITOR \(MariaDB 10\.5\+\) or REPLICATION CLIENT \(MySQL\) privilege\)$/);
    const asReplica = await probe(replica, { ...plain, replica: true });
    expect(asReplica.status).toBe('degraded');
    expect(asReplica.reason).toMatch(/: replication state not readable/);
  });

  it('refuses a wrong password as down, with the server message', async () => {
    const result = await probe(replica, { password: 'wrong' });
    expect(result.status).toBe('down');
    expect(result.reason).toMatch(/Access denied for user 'vigia'/);
  });
});
