import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { freePort } from '#lib/persistence';
import { eventually } from './support/eventually.js';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';

interface VantageRow {
  last: Date | null;
  impaired_by: string[];
  impaired_reason: string | null;
}

/**
 * Vigia restarted under a live agent: the agent's beats could not be recorded while Vigia was down, and it reconnects
 * on its own retry (up to 10 s). That is not the agent's fault: no "heartbeat late", no vantage incident, no page —
 * every restart opened one per agent, resolved seconds later (an operator walkthrough saw it three times).
 */
describe('a restart of Vigia is not a fault of its agents', () => {
  let api: TestApi;
  let db: DataSource;
  let token: string;
  let port: number;
  let vigia: RunningProcess | undefined;
  let agent: RunningProcess | undefined;

  const start = async (): Promise<RunningProcess> => {
    const p = startProcess('apps/api/src/main.js', {
      DATABASE_URL: api.db.url, PORT: String(port), LOG_LEVEL: 'warn', VIGIA_ROLES: 'api,watchdog', VIGIA_VANTAGE: 'central', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1',
    });
    await p.waitFor(/Stop with Ctrl-C/);
    return p;
  };
  const office = async (): Promise<VantageRow> =>
    ((await db.query("SELECT last_heartbeat_at AS last, impaired_by, impaired_reason FROM vantages WHERE name = 'office' AND tenant_id IS NOT NULL")) as VantageRow[])[0]!;
  const vantageIncidents = async (): Promise<number> =>
    ((await db.query("SELECT count(*)::int AS n FROM incidents i JOIN monitors m ON m.id = i.monitor_id WHERE m.name = 'vantage office'")) as { n: number }[])[0]!.n;

  beforeAll(async () => {
    api = await startTestApi();
    db = api.app.get(DataSource);
    const owner = (await api.tenant('restart')).token;
    token = (await api.ok<{ createVantage: { token: string } }>('mutation { createVantage(input: {name: "office", kind: private}) { token } }', {}, owner)).createVantage.token;
    port = await freePort();
  }, 60_000);

  afterAll(async () => {
    for (const p of [agent, vigia]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
    await api?.close();
  });

  it('down 8 s and back: the agent reconnects, is never judged late, and no vantage incident opens', { timeout: 120_000 }, async () => {
    vigia = await start();
    agent = startProcess('apps/agent/src/main.js', { VIGIA_API_URL: `http://127.0.0.1:${port}`, VIGIA_VANTAGE_TOKEN: token, LOG_LEVEL: 'info' });
    await eventually('the agent beating and judged healthy', async () => {
      const v = await office();
      return v.last && v.impaired_by.length === 0 ? v : undefined;
    }, { timeoutMs: 30_000 });

    vigia.child.kill('SIGINT');
    expect(await vigia.exited()).toBe(0);
    await new Promise((r) => setTimeout(r, 8_000));
    const downSince = (await office()).last!.getTime();
    vigia = await start();
    const restartedAt = Date.now();

    // Watched for 20 s from the restart (past the 5 s bound and the 12 s allowed to reconnect).
    const seen = new Set<string>();
    while (Date.now() - restartedAt < 20_000) {
      const v = await office();
      for (const kind of v.impaired_by) seen.add(`${kind}: ${v.impaired_reason}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect([...seen]).toEqual([]);
    expect(await vantageIncidents()).toBe(0);
    // It did come back, on its own retry.
    expect((await office()).last!.getTime()).toBeGreaterThan(downSince);
    expect(agent.output()).toMatch(/connected to ws:\/\/127\.0\.0\.1:\d+\/agent[\s\S]*connected to ws:\/\/127\.0\.0\.1:\d+\/agent/);
  });
});
