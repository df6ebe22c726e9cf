import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgChannelListener } from '#lib/persistence';
import { eventually } from './support/eventually.js';
import { SilentProxy } from './support/silent-proxy.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * The LISTEN connection behind the fleet's and the inbox's wake-ups, the live state and the runs' feeds: a LISTEN
 * connection never sends, so a path that silently drops packets left it deaf while it looked fine (and the watchdog
 * waited for its 2 s poll, saying nothing). Its liveness check notices, it says so, and it listens again once the
 * path is back.
 */
describe('PgChannelListener', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => db?.drop());

  it('hears several channels on one connection; a silent path is given up at its liveness check, and it listens again (a reconnect over the still silent path gives up too)', async () => {
    const proxy = new SilentProxy(db.url);
    const url = await proxy.start();
    const heard: string[] = [];
    const events: string[] = [];
    const listener = new PgChannelListener(url, ['test_a', 'test_b'], (payload, channel) => heard.push(`${channel}:${payload}`), {
      listening: () => events.push('listening'),
      lost: () => events.push('lost'),
      checkEveryMs: 200,
      // Also the connection attempt's deadline: room for a loaded machine's first connect through the proxy.
      checkTimeoutMs: 1_000,
    });
    const notifier = new pg.Client({ connectionString: db.url });
    await notifier.connect();
    try {
      await listener.start();
      expect(events).toEqual(['listening']);
      await notifier.query("SELECT pg_notify('test_a', 'one'), pg_notify('test_b', 'two'), pg_notify('test_c', 'not ours')");
      await eventually('both channels heard', () => heard.length >= 2 || undefined, { timeoutMs: 5_000, everyMs: 20 });
      expect(heard).toEqual(['test_a:one', 'test_b:two']);
      proxy.silent = true;
      await eventually('the silent path given up', () => events.includes('lost') || undefined, { timeoutMs: 5_000, everyMs: 20 });
      // Still silent when it tries again (1 s after): that attempt must give up at its deadline (1 s), not hang for
      // ever; the next one (about 3 s after the loss) finds the path back.
      await new Promise((r) => setTimeout(r, 1_600));
      proxy.silent = false;
      await eventually('listening again', () => events.filter((e) => e === 'listening').length === 2 || undefined, { timeoutMs: 8_000, everyMs: 20 });
      await notifier.query("SELECT pg_notify('test_a', 'three')");
      await eventually('heard after the reconnect', () => heard.includes('test_a:three') || undefined, { timeoutMs: 5_000, everyMs: 20 });
      // Lost (again for each attempt that gave up on the silent path), then listening; nothing heard twice (the old
      // connection's deliveries are ignored).
      expect(events.join(' ')).toMatch(/^listening( lost)+ listening$/);
      expect(heard).toEqual(['test_a:one', 'test_b:two', 'test_a:three']);
    } finally {
      await listener.stop();
      await notifier.end();
      proxy.stop();
    }
  });
});
