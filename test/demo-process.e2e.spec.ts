import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { eventually } from './support/eventually.js';
import { graphqlClient } from './support/graphql-client.js';
import { login, pidsMentioning, startProcess } from './support/process-harness.js';

const gql = <T>(base: string, token: string, query: string): Promise<T> => graphqlClient(base).ok<T>(query, {}, token);

const MONITORS = 'query { monitors { nodes { name state { health } } } }';
type Monitors = { monitors: { nodes: { name: string; state: { health: string } | null }[] } };

describe('the first start of the quick start: the live demo company', () => {
  const folders: string[] = [];
  const folder = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigia-demo-'));
    folders.push(dir);
    return dir;
  };
  beforeAll(() => undefined);
  afterAll(async () => {
    for (const dir of folders) {
      for (const pid of await pidsMentioning(dir)) process.kill(pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an empty data folder: the banner names the demo, its monitors come up (loopback otherwise refused), and again after a restart', { timeout: 180_000 }, async () => {
    const dataDir = await folder();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // The production egress default (no VIGIA_EGRESS_ALLOW): the demo's own servers are its tenant's exact exception.
    const env = { PORT: String(port), VIGIA_DATA_DIR: dataDir, VIGIA_EGRESS_ALLOW: '' };
    const started = Date.now();
    const vigia = startProcess('apps/api/src/main.js', env);
    await vigia.waitFor(/Stop with Ctrl-C/, 90_000);
    expect(vigia.output()).toMatch(/Demo: +tenant "demo" holds a live demo company/);
    expect(vigia.output()).toMatch(/web-a 127\.0\.0\.1:\d+, web-b 127\.0\.0\.1:\d+, front 127\.0\.0\.1:\d+, mail 127\.0\.0\.1:\d+/);
    const [, password] = vigia.output().match(/tenant "demo", e-mail admin@example\.com, password (\S+)/) ?? [];
    const token = (await login(base, 'demo', 'admin@example.com', password!))!;
    await eventually('the demo monitors up', async () => {
      const { monitors } = await gql<Monitors>(base, token, MONITORS);
      return monitors.nodes.length === 7 && monitors.nodes.every((m) => m.state?.health === 'up');
    }, { timeoutMs: 30_000 });
    console.log(`quick start with the demo: banner and all 7 demo monitors up ${Date.now() - started} ms after the process started`);
    vigia.child.kill('SIGINT');
    expect(await vigia.exited()).toBe(0);

    // Restarted with the demo still there: its servers run again and its monitors come back up.
    const again = startProcess('apps/api/src/main.js', env);
    await again.waitFor(/Stop with Ctrl-C/, 90_000);
    expect(again.output()).not.toMatch(/Demo: +tenant/);
    const token2 = (await login(base, 'demo', 'admin@example.com', password!))!;
    const { demoCompany } = await gql<{ demoCompany: { servers: { name: string; running: boolean }[] } }>(base, token2, 'query { demoCompany { servers { name running } } }');
    expect(demoCompany.servers.every((s) => s.running)).toBe(true);
    await eventually('the demo monitors up after the restart', async () => {
      const { monitors } = await gql<Monitors>(base, token2, MONITORS);
      return monitors.nodes.every((m) => m.state?.health === 'up');
    }, { timeoutMs: 30_000 });
    again.child.kill('SIGTERM');
    expect(await again.exited()).toBe(0);
  });

  it('VIGIA_DEMO=off: the first tenant is empty, no demo server runs', { timeout: 120_000 }, async () => {
    const dataDir = await folder();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const vigia = startProcess('apps/api/src/main.js', { PORT: String(port), VIGIA_DATA_DIR: dataDir, VIGIA_DEMO: 'off' });
    await vigia.waitFor(/Stop with Ctrl-C/, 90_000);
    expect(vigia.output()).not.toContain('Demo:');
    const [, password] = vigia.output().match(/tenant "demo", e-mail admin@example\.com, password (\S+)/) ?? [];
    const token = (await login(base, 'demo', 'admin@example.com', password!))!;
    expect(await gql(base, token, 'query { demoCompany { installedAt } hosts { totalCount } }')).toEqual({ demoCompany: null, hosts: { totalCount: 0 } });
    vigia.child.kill('SIGINT');
    expect(await vigia.exited()).toBe(0);
  });

  it('VIGIA_DEMO_MYSQL_URL not on loopback, or malformed: one line naming the setting, the password hidden, nothing started', { timeout: 60_000 }, async () => {
    const dataDir = await folder();
    for (const [url, reason] of [
      ['mysql://vigia_demo:s3cret@192.0.2.10:3306/', 'must name a loopback address (127.0.0.0/8, ::1 or localhost), not 192.0.2.10: the demo watches only this machine\'s own MySQL/MariaDB'],
      ['mysql://:s3cret@127.0.0.1:3306/', 'must name the user to log in as, e.g. mysql://vigia_demo:secret@127.0.0.1:3306/'],
    ] as const) {
      const bad = startProcess('apps/api/src/main.js', { PORT: String(await freePort()), VIGIA_DATA_DIR: dataDir, VIGIA_DEMO_MYSQL_URL: url });
      expect(await bad.exited()).toBe(1);
      expect(bad.output().trim()).toBe(`vigia: invalid configuration: VIGIA_DEMO_MYSQL_URL: ${reason} (got <hidden>)`);
    }
    expect(await pidsMentioning(dataDir)).toEqual([]);
  });
});
