import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { codeOf, sleep } from './support.js';
import { waitUntil } from '../support/eventually.js';

describe('credentials die with their owner (issue 18, items 6, 7, 8 and the token-revocation rule)', () => {
  let api: TestApi;
  let owner: { token: string; tenantId: string };
  const slug = 'lifetimes';

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant(slug);
  });
  afterAll(() => api?.close());

  const userIdOf = async (token: string): Promise<string> =>
    ((await api.gql<{ me: { user: { id: string } } }>('{ me { user { id } } }', {}, token)).data!.me.user.id);
  const makeToken = async (creator: string, role: string): Promise<{ id: string; token: string }> => {
    const res = await api.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }',
      { i: { name: `t-${Math.random()}`, role } },
      creator,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return { id: res.data.createApiToken.apiToken.id, token: res.data.createApiToken.token };
  };
  const roleOf = async (token: string): Promise<string | undefined> => (await api.gql<{ me: { role: string } }>('{ me { role } }', {}, token)).data?.me.role;

  it("caps a token's role at its creator's current role", async () => {
    const admin = await api.userWithRole(owner.token, slug, 'admin');
    const { token } = await makeToken(admin, 'admin');
    expect(await roleOf(token)).toBe('admin');
    await api.gql(`mutation { updateUser(id: "${await userIdOf(admin)}", input: {role: viewer}) { id } }`, {}, owner.token);
    expect(await roleOf(token)).toBe('viewer');
    const write = await api.gql('mutation { createSite(input: {name: "by-demoted-token"}) { id } }', {}, token);
    expect(codeOf(write)).toBe('FORBIDDEN');
    expect((await api.gql<{ sites: { nodes: { name: string }[] } }>('{ sites { nodes { name } } }', {}, owner.token)).data!.sites.nodes.map((s) => s.name)).not.toContain('by-demoted-token');
  });

  it('kills the tokens of a disabled or deleted creator, and of tokens they made', async () => {
    const disabled = await api.userWithRole(owner.token, slug, 'admin');
    const deleted = await api.userWithRole(owner.token, slug, 'admin');
    const a = await makeToken(disabled, 'admin');
    const child = await makeToken(a.token, 'viewer');
    const b = await makeToken(deleted, 'operator');
    expect(await roleOf(child.token)).toBe('viewer');
    await api.gql(`mutation { updateUser(id: "${await userIdOf(disabled)}", input: {disabled: true}) { id } }`, {}, owner.token);
    await api.gql(`mutation { deleteUser(id: "${await userIdOf(deleted)}") }`, {}, owner.token);
    for (const token of [a.token, child.token, b.token]) {
      expect(codeOf(await api.gql('{ me { role } }', {}, token))).toBe('UNAUTHENTICATED');
    }
  });

  it("refuses an admin revoking an owner's token (nobody acts on a credential above their role)", async () => {
    const ownerToken = await makeToken(owner.token, 'owner');
    const admin = await api.userWithRole(owner.token, slug, 'admin');
    const res = await api.gql(`mutation { revokeApiToken(id: "${ownerToken.id}") { revokedAt } }`, {}, admin);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(await roleOf(ownerToken.token)).toBe('owner');
    const own = await makeToken(admin, 'admin');
    expect((await api.gql<{ revokeApiToken: { revokedAt: string } }>(`mutation { revokeApiToken(id: "${own.id}") { revokedAt } }`, {}, admin)).data?.revokeApiToken.revokedAt).toBeTruthy();
  });

  it("ends the user's other sessions when the password changes, and says how many", async () => {
    const email = `pw-${Date.now()}@${slug}.test`;
    await api.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email, displayName: 'pw', role: 'operator', password: 'first-password-123' } }, owner.token);
    const login = async (password: string) =>
      (await api.gql<{ login: { token: string } }>('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { tenant: slug, email, password } })).data?.login.token;
    const [laptop, phone, stolen] = [await login('first-password-123'), await login('first-password-123'), await login('first-password-123')];
    const res = await api.gql<{ changePassword: { changed: boolean; endedSessions: number } }>(
      'mutation { changePassword(input: {currentPassword: "first-password-123", newPassword: "second-password-456"}) { changed endedSessions } }',
      {},
      laptop,
    );
    expect(res.data?.changePassword).toEqual({ changed: true, endedSessions: 2 });
    expect(await roleOf(laptop!)).toBe('operator');
    expect(codeOf(await api.gql('{ me { role } }', {}, phone))).toBe('UNAUTHENTICATED');
    expect(codeOf(await api.gql('{ me { role } }', {}, stolen))).toBe('UNAUTHENTICATED');
  });
});

describe('open subscriptions follow their credential (issue 18, item 7)', () => {
  let api: TestApi;
  let owner: { token: string; tenantId: string };
  const slug = 'live-creds';

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant(slug);
  });
  afterAll(() => api?.close());

  /** A watchdog's announcement of a health change, as it reaches every API process (NOTIFY). */
  const announce = async (n: number): Promise<void> => {
    const client = new pg.Client({ connectionString: api.db.url });
    await client.connect();
    const event = { tenantId: owner.tenantId, monitorId: '00000000-0000-4000-8000-00000000000' + n, from: 'up', to: 'down', at: new Date().toISOString(), flapping: false, reason: `event ${n}` };
    await client.query("SELECT pg_notify('vigia_monitor_state', $1)", [JSON.stringify(event)]);
    await client.end();
  };

  const subscribe = (bearer: string) => {
    const reasons: string[] = [];
    let closed: { code: number; reason: string } | undefined;
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${bearer}` },
      retryAttempts: 0,
      on: { closed: (e) => (closed = { code: (e as { code: number }).code, reason: String((e as { reason: unknown }).reason) }) },
    });
    client.subscribe<{ monitorStateChanged: { reason: string } }>(
      { query: 'subscription { monitorStateChanged { reason } }' },
      { next: (m) => m.data && reasons.push(m.data.monitorStateChanged.reason), error: () => undefined, complete: () => undefined },
    );
    return { reasons, client, closed: () => closed };
  };

  const waitFor = (check: () => boolean, ms: number): Promise<boolean> => waitUntil('the subscription event', check, { timeoutMs: ms });

  const revokers: [string, (token: string) => Promise<void>][] = [
    ['logout', async (token) => void (await api.gql('mutation { logout }', {}, token))],
    [
      'user deletion',
      async (token) => {
        const { data } = await api.gql<{ me: { user: { id: string } } }>('{ me { user { id } } }', {}, token);
        await api.gql(`mutation { deleteUser(id: "${data!.me.user.id}") }`, {}, owner.token);
      },
    ],
  ];

  for (const [what, revoke] of revokers) {
    it(`stops the events and closes the socket after ${what}`, { timeout: 30_000 }, async () => {
      const viewer = await api.userWithRole(owner.token, slug, 'viewer');
      const sub = subscribe(viewer);
      await sleep(500);
      await announce(1);
      expect(await waitFor(() => sub.reasons.includes('event 1'), 5_000)).toBe(true);
      await revoke(viewer);
      await sleep(2_100); // past the credential cache's lifetime: the next event is checked afresh
      await announce(2);
      expect(await waitFor(() => sub.closed() !== undefined, 5_000)).toBe(true);
      expect(sub.closed()!.code).toBe(4403);
      expect(sub.reasons).toEqual(['event 1']);
      await sub.client.dispose();
    });
  }

  it('closes the socket of a revoked API token', { timeout: 30_000 }, async () => {
    const created = await api.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      'mutation { createApiToken(input: {name: "ws", role: viewer}) { token apiToken { id } } }',
      {},
      owner.token,
    );
    const { token, apiToken } = created.data!.createApiToken;
    const sub = subscribe(token);
    await sleep(500);
    await announce(3);
    expect(await waitFor(() => sub.reasons.includes('event 3'), 5_000)).toBe(true);
    await api.gql(`mutation { revokeApiToken(id: "${apiToken.id}") { id } }`, {}, owner.token);
    expect(await waitFor(() => sub.closed() !== undefined, 6_000)).toBe(true);
    expect(sub.closed()!.code).toBe(4403);
    await announce(4);
    await sleep(300);
    expect(sub.reasons).toEqual(['event 3']);
    await sub.client.dispose();
  });
});
