import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/test-api.js';

const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token expiresAt user { email role } tenant { slug } } }';
const ME = '{ me { role tenant { slug } user { email } apiTokenId } }';

describe('authentication and roles (GraphQL over HTTP)', () => {
  let api: TestApi;
  let acme: Awaited<ReturnType<TestApi['tenant']>>;

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_LOGIN_MAX_FAILURES: '3' });
    acme = await api.tenant('acme');
  });
  afterAll(() => api?.close());

  it('logs in with a password and answers `me` with the session token', async () => {
    const res = await api.gql<{ login: { token: string; user: { role: string } } }>(LOGIN, {
      i: { tenant: 'acme', email: acme.email.toUpperCase(), password: acme.password },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.login.token).toMatch(/^vgs_/);
    expect(res.data?.login.user.role).toBe('owner');
    const me = await api.gql<{ me: { role: string; tenant: { slug: string } } }>(ME, {}, res.data!.login.token);
    expect(me.data?.me).toMatchObject({ role: 'owner', tenant: { slug: 'acme' } });
  });

  it('gives one answer for a wrong password, an unknown e-mail and an unknown tenant', async () => {
    const attempts = [
      { tenant: 'acme', email: acme.email, password: 'not-the-password' },
      { tenant: 'acme', email: 'nobody@acme.test', password: acme.password },
      { tenant: 'no-such-tenant', email: acme.email, password: acme.password },
    ];
    for (const i of attempts) {
      const res = await api.gql(LOGIN, { i });
      expect(res.data).toBeNull();
      expect(res.errors?.[0]).toMatchObject({ message: 'invalid credentials', extensions: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('rate-limits repeated failures on one account, even with the right password afterwards', async () => {
    const tenant = await api.tenant('throttled');
    for (let n = 0; n < 3; n++) {
      const res = await api.gql(LOGIN, { i: { tenant: 'throttled', email: tenant.email, password: 'wrong-password-xx' } });
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const blocked = await api.gql(LOGIN, { i: { tenant: 'throttled', email: tenant.email, password: tenant.password } });
    expect(blocked.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ATTEMPTS');
    // Another account from the same address is not locked out by this one.
    const other = await api.gql(LOGIN, { i: { tenant: 'acme', email: acme.email, password: acme.password } });
    expect(other.errors).toBeUndefined();
  });

  it('refuses operations without a token, with a malformed one, and after logout', async () => {
    expect((await api.gql(ME)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.gql(ME, {}, 'vgs_forged')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const login = await api.gql<{ login: { token: string } }>(LOGIN, { i: { tenant: 'acme', email: acme.email, password: acme.password } });
    const token = login.data!.login.token;
    expect((await api.gql('mutation { logout }', {}, token)).data).toEqual({ logout: true });
    expect((await api.gql(ME, {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('issues API tokens shown once, stored hashed, limited to the creator role, and revocable', async () => {
    const created = await api.gql<{ createApiToken: { token: string; apiToken: { id: string; prefix: string; role: string } } }>(
      'mutation { createApiToken(input: {name: "ci", role: operator}) { token apiToken { id prefix role } } }', {}, acme.token,
    );
    const { token, apiToken } = created.data!.createApiToken;
    expect(token).toMatch(/^vgt_/);
    expect(token.startsWith(apiToken.prefix)).toBe(true);
    const stored = await api.app.get((await import('typeorm')).DataSource).query('SELECT token_hash FROM api_tokens WHERE id = $1', [apiToken.id]);
    expect(stored[0].token_hash).not.toContain(token.slice(4));
    const me = await api.gql<{ me: { role: string; user: null; apiTokenId: string } }>(ME, {}, token);
    expect(me.data?.me).toMatchObject({ role: 'operator', user: null, apiTokenId: apiToken.id });
    // An operator token cannot mint an admin token, nor manage tokens at all.
    const escalate = await api.gql('mutation { createApiToken(input: {name: "x", role: admin}) { token } }', {}, token);
    expect(escalate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await api.gql(`mutation { revokeApiToken(id: "${apiToken.id}") { revokedAt } }`, {}, acme.token);
    expect((await api.gql(ME, {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('enforces roles on every kind of mutation', async () => {
    const viewer = await api.as('viewer', acme);
    const operator = await api.as('operator', acme);
    const admin = await api.as('admin', acme);
    const createHost = 'mutation { createHost(input: {name: "rolecheck", addresses: ["192.0.2.1"]}) { id } }';
    await viewer.fails(createHost, {}, { code: 'FORBIDDEN' });
    await operator.ok(createHost);
    const createUser = (role: string) =>
      `mutation { createUser(input: {email: "u-${role}-${Date.now()}@acme.test", displayName: "x", role: ${role}, password: "long-enough-password"}) { id } }`;
    await operator.fails(createUser('viewer'), {}, { code: 'FORBIDDEN' });
    await admin.ok(createUser('viewer'));
    await admin.fails(createUser('owner'), {}, { code: 'FORBIDDEN', field: 'input.role' });
    // Viewers still read.
    await viewer.ok('{ hosts { totalCount } }');
  });

  it('keeps at least one owner and logs a disabled user out at once', async () => {
    const me = await api.gql<{ me: { user: { email: string } } }>('{ me { user { id email } } }', {}, acme.token);
    const ownerId = (me.data!.me.user as unknown as { id: string }).id;
    const demote = await api.gql(`mutation { updateUser(id: "${ownerId}", input: {role: admin}) { id } }`, {}, acme.token);
    expect(demote.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const adminToken = await api.userWithRole(acme.token, 'acme', 'admin');
    const adminMe = await api.gql<{ me: { user: { id: string } } }>('{ me { user { id } } }', {}, adminToken);
    await api.gql(`mutation { updateUser(id: "${adminMe.data!.me.user.id}", input: {disabled: true}) { id } }`, {}, acme.token);
    expect((await api.gql(ME, {}, adminToken)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
