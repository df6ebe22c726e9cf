import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/test-api.js';

/** Bulk actions on a selection: all or nothing, the first id at fault named, tags and sites changed in one statement. */
describe('bulk actions on monitors and hosts', () => {
  let api: TestApi;
  let token: string;
  const gql = <T,>(q: string) => api.ok<T>(q, {}, token);
  const fail = async (q: string) => (await api.gql(q, {}, token)).errors?.[0];
  const host = async (name: string, extra = ''): Promise<string> => (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["192.0.2.1"]${extra}}) { id } }`)).createHost.id;
  const monitor = async (name: string, hostId: string): Promise<string> =>
    (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "${name}", type: icmp, hostId: "${hostId}", config: {}, intervalMs: 60000, timeoutMs: 1000}) { id } }`)).createMonitor.id;
  const enabled = async (ids: string[]): Promise<boolean[]> => Promise.all(ids.map(async (id) => (await gql<{ monitor: { enabled: boolean } }>(`{ monitor(id: "${id}") { enabled } }`)).monitor.enabled));

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.tenant('bulk')).token;
  });
  afterAll(() => api?.close());

  it('pauses and resumes a selection; one unknown id refuses all of it, naming its place', async () => {
    const h = await host('web1');
    const ids = [await monitor('a', h), await monitor('b', h)];
    expect(await gql<{ setMonitorsEnabled: number }>(`mutation { setMonitorsEnabled(ids: ${JSON.stringify(ids)}, enabled: false) }`)).toEqual({ setMonitorsEnabled: 2 });
    expect(await enabled(ids)).toEqual([false, false]);
    const error = await fail(`mutation { setMonitorsEnabled(ids: ["${ids[0]}", "00000000-0000-4000-8000-000000000000"], enabled: true) }`);
    expect(error).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'ids[1]' } });
    expect(await enabled(ids)).toEqual([false, false]);
    expect(await fail(`mutation { setMonitorsEnabled(ids: ["${ids[0]}", "not-an-id"], enabled: true) }`)).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'ids[1]' } });
    expect(await fail('mutation { setMonitorsEnabled(ids: [], enabled: true) }')).toMatchObject({ message: 'Selection: choose at least one', extensions: { field: 'ids' } });
  });

  it('adds and removes tags (once each, lower case, order kept) and moves hosts to a site and out of it', async () => {
    const site = (await gql<{ createSite: { id: string } }>('mutation { createSite(input: {name: "madrid"}) { id } }')).createSite.id;
    const ids = [await host('db1', ', tags: ["mysql", "old"]'), await host('db2', ', tags: ["old"]')];
    expect(await gql(`mutation { updateHosts(ids: ${JSON.stringify(ids)}, input: {addTags: ["Madrid", "mysql"], removeTags: ["old"], siteId: "${site}"}) }`)).toEqual({ updateHosts: 2 });
    const read = async () => Promise.all(ids.map(async (id) => (await gql<{ host: { tags: string[]; siteId: string | null } }>(`{ host(id: "${id}") { tags siteId } }`)).host));
    expect(await read()).toEqual([{ tags: ['mysql', 'madrid'], siteId: site }, { tags: ['madrid', 'mysql'], siteId: site }]);
    expect(await fail(`mutation { updateHosts(ids: ${JSON.stringify(ids)}, input: {addTags: ["ok", "not ok"], siteId: null}) }`)).toMatchObject({ message: 'Tag "not ok": must be 1-63 letters, digits or _.:=-', extensions: { field: 'addTags[1]' } });
    expect(await read()).toEqual([{ tags: ['mysql', 'madrid'], siteId: site }, { tags: ['madrid', 'mysql'], siteId: site }]);
    await gql(`mutation { updateHosts(ids: ["${ids[1]}"], input: {siteId: null}) }`);
    expect((await read())[1]).toEqual({ tags: ['madrid', 'mysql'], siteId: null });
  });

  it('deletes hosts with their monitors at one instant, refused while a host left alive jumps through one', async () => {
    const bastion = await host('bastion');
    const inner = await host('inner', `, sshJumpHostId: "${bastion}"`);
    const m = await monitor('inner ping', inner);
    expect(await fail(`mutation { deleteHosts(ids: ["${bastion}"]) }`)).toMatchObject({ extensions: { code: 'CONFLICT', field: 'ids' }, message: 'Hosts: bastion is the SSH jump host of inner, which is not deleted; change that first' });
    expect((await gql<{ host: { name: string } }>(`{ host(id: "${bastion}") { name } }`)).host.name).toBe('bastion');
    expect(await gql(`mutation { deleteHosts(ids: ["${bastion}", "${inner}"]) }`)).toEqual({ deleteHosts: 2 });
    for (const q of [`{ host(id: "${bastion}") { id } }`, `{ host(id: "${inner}") { id } }`, `{ monitor(id: "${m}") { id } }`]) expect((await fail(q))?.extensions?.code).toBe('NOT_FOUND');
  });

  it('deletes monitors, keeping their history', async () => {
    const h = await host('web9');
    const ids = [await monitor('x', h), await monitor('y', h)];
    expect(await gql(`mutation { deleteMonitors(ids: ${JSON.stringify(ids)}) }`)).toEqual({ deleteMonitors: 2 });
    expect((await fail(`{ monitor(id: "${ids[0]}") { id } }`))?.extensions?.code).toBe('NOT_FOUND');
    const [row]: { n: number }[] = await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM monitors WHERE id = ANY($1::uuid[]) AND deleted_at IS NOT NULL', [ids]);
    expect(row!.n).toBe(2);
  });

  it('refuses a viewer, an id listed twice, more than 1,000 ids, and resuming a monitor whose settings a single update would refuse', async () => {
    const h = await host('edge1');
    const good = await monitor('good', h);
    const stale = await monitor('stale', h);
    const synthetic = await monitor('synthetic', h);
    await gql(`mutation { setMonitorsEnabled(ids: ["${good}", "${stale}", "${synthetic}"], enabled: false) }`);
    // Settings saved before a rule that now refuses them: resuming checks them as a single update would, all or nothing.
    await api.app.get(DataSource).query(`UPDATE monitors SET config = '{"bogus": true}' WHERE id = $1`, [stale]);
    expect(await fail(`mutation { setMonitorsEnabled(ids: ["${good}", "${stale}"], enabled: true) }`)).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'ids[1].config.bogus' } });
    expect(await enabled([good])).toEqual([false]);
    // A vantage's synthetic monitor (the subject of its incidents, never probed) is taken by "Select the N shown" with
    // the rest: the others resume, it stays disabled (its settings, no target, failed the whole resume before).
    await api.app.get(DataSource).query(`UPDATE monitors SET config = '{"vantage": true}' WHERE id = $1`, [synthetic]);
    expect(await gql(`mutation { setMonitorsEnabled(ids: ["${good}", "${synthetic}"], enabled: true) }`)).toEqual({ setMonitorsEnabled: 1 });
    expect(await enabled([good, synthetic])).toEqual([true, false]);
    await gql(`mutation { setMonitorsEnabled(ids: ["${good}"], enabled: false) }`);
    expect(await fail(`mutation { setMonitorsEnabled(ids: ["${good}", "${good}"], enabled: true) }`)).toMatchObject({ message: 'Selection: the monitor at 2 is listed twice', extensions: { field: 'ids[1]' } });
    const many = Array.from({ length: 1001 }, () => good);
    expect(await fail(`mutation { deleteMonitors(ids: ${JSON.stringify(many)}) }`)).toMatchObject({ message: 'Selection: at most 1000 at a time', extensions: { field: 'ids' } });
    const viewer = await api.gql<{ createUser: { id: string } }>('mutation { createUser(input: {email: "v@bulk.test", displayName: "V", role: viewer, password: "a long enough password"}) { id } }', {}, token);
    expect(viewer.errors).toBeUndefined();
    const login = await api.gql<{ login: { token: string } }>('mutation { login(input: {tenant: "bulk", email: "v@bulk.test", password: "a long enough password"}) { token } }');
    const refused = await api.gql(`mutation { deleteMonitors(ids: ["${good}"]) }`, {}, login.data!.login.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await enabled([good])).toEqual([false]);
  });

  it('refuses tags past 32 on any host, naming it, and changes none', async () => {
    const id = await host('tagged');
    const tags = (from: number) => JSON.stringify(Array.from({ length: 20 }, (_, i) => `t${from + i}`));
    await gql(`mutation { updateHosts(ids: ["${id}"], input: {addTags: ${tags(0)}}) }`);
    expect(await fail(`mutation { updateHosts(ids: ["${id}"], input: {addTags: ${tags(20)}}) }`)).toMatchObject({ message: 'Tags: tagged would have more than 32', extensions: { field: 'addTags' } });
    expect((await gql<{ host: { tags: string[] } }>(`{ host(id: "${id}") { tags } }`)).host.tags).toHaveLength(20);
  });
});
