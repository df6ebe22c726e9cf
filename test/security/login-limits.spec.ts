import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVigiaConfig } from '#lib/config';
import { TrustedProxies } from '#lib/tenancy';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { codeOf, gqlAs, LOGIN } from './support.js';

const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

describe('login limits that hold under parallel guesses (issue 18, item 4)', () => {
  let api: TestApi;
  let password: string;
  const slug = 'race';
  const email = 'owner@race.test';

  beforeAll(async () => {
    // 127.0.0.1 (the test's own connection) plays the documented reverse proxy: clients are told apart by X-F-F.
    api = await startTestApi({ VIGIA_TRUSTED_PROXIES: '127.0.0.1', VIGIA_LOGIN_MAX_FAILURES: '10' });
    ({ password } = await api.tenant(slug));
  });
  afterAll(() => api?.close());

  const guess = (pw: string, address: string) => gqlAs<{ login: { token: string } }>(api.url, LOGIN, { i: { tenant: slug, email, password: pw } }, from(address));

  it('evaluates at most the limit of 100 wrong guesses sent at once', { timeout: 120_000 }, async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => guess(`wrong-${i}`, '198.51.100.1')));
    const codes = answers.map(codeOf);
    // UNAUTHENTICATED means argon2 ran and said no; TOO_MANY_ATTEMPTS means it was refused before argon2.
    const evaluated = codes.filter((c) => c === 'UNAUTHENTICATED').length;
    expect(evaluated).toBeLessThanOrEqual(10);
    expect(evaluated).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS').length).toBe(100 - evaluated);
    expect(answers.every((a) => !a.data?.login)).toBe(true);
  });

  it('gives no token to the right password hidden among 40 parallel guesses past the limit', { timeout: 120_000 }, async () => {
    // Spend the account's budget first (already spent when the test above ran).
    await Promise.all(Array.from({ length: 10 }, (_, i) => guess(`spend-${i}`, '198.51.100.2')));
    const attempts = Array.from({ length: 40 }, (_, i) => (i === 23 ? password : `wrong-again-${i}`));
    const answers = await Promise.all(attempts.map((pw) => guess(pw, '198.51.100.2')));
    expect(answers.some((a) => a.data?.login?.token)).toBe(false);
    expect(answers[23]!.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ATTEMPTS');
  });
});

describe('address lockout (issue 18, item 3)', () => {
  let api: TestApi;
  let owner: { token: string; email: string; password: string };
  const slug = 'shared-proxy';

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_TRUSTED_PROXIES: '127.0.0.1, 10.9.0.0/16', VIGIA_LOGIN_MAX_FAILURES: '4' });
    owner = await api.tenant(slug);
  });
  afterAll(() => api?.close());

  it('never refuses a valid token for its address, however many failures came from there', { timeout: 60_000 }, async () => {
    const office = '203.0.113.10';
    // The owner works from the office; then something there sends 60 bad tokens (address budget: 4 × 5 = 20).
    const session = await gqlAs<{ login: { token: string } }>(api.url, LOGIN, { i: { tenant: slug, email: owner.email, password: owner.password } }, from(office));
    const token = session.data!.login.token;
    const bad = [];
    for (let i = 0; i < 60; i++) bad.push(codeOf(await gqlAs(api.url, '{ me { role } }', {}, { ...from(office), authorization: `Bearer vgs_bogus${i}` })));
    expect(bad.at(-1)).toBe('TOO_MANY_ATTEMPTS');
    const me = await gqlAs<{ me: { role: string } }>(api.url, '{ me { role } }', {}, { ...from(office), authorization: `Bearer ${token}` });
    expect(me.data?.me.role).toBe('owner');
    // And the owner can still log in from there: it is a known address of theirs.
    const again = await gqlAs<{ login: { token: string } }>(api.url, LOGIN, { i: { tenant: slug, email: owner.email, password: owner.password } }, from(office));
    expect(again.data?.login.token).toMatch(/^vgs_/);
    // Another client behind the same proxy is not affected by the office's failures.
    const elsewhere = await gqlAs(api.url, '{ me { role } }', {}, { ...from('203.0.113.11'), authorization: 'Bearer vgs_bogus' });
    expect(codeOf(elsewhere)).toBe('UNAUTHENTICATED');
  });

  it('does not let a stranger lock a known e-mail out of the addresses its owner uses', { timeout: 60_000 }, async () => {
    const home = '198.51.100.50';
    const login = (pw: string, address: string) =>
      gqlAs<{ login: { token: string } }>(api.url, LOGIN, { i: { tenant: slug, email: owner.email, password: pw } }, from(address));
    expect((await login(owner.password, home)).data?.login.token).toMatch(/^vgs_/);
    // A stranger guesses from elsewhere until the account's shared budget is gone, even for the right password.
    const stranger = '192.0.2.66';
    for (let i = 0; i < 6; i++) await login(`guess-${i}`, stranger);
    expect(codeOf(await login(owner.password, stranger))).toBe('TOO_MANY_ATTEMPTS');
    expect(codeOf(await login(owner.password, '192.0.2.67'))).toBe('TOO_MANY_ATTEMPTS');
    // The owner, from an address they logged in from before, still gets in with the right password.
    expect((await login(owner.password, home)).data?.login.token).toMatch(/^vgs_/);
  });

  it('follows X-Forwarded-For only through trusted proxies', async () => {
    const proxies = new TrustedProxies(['127.0.0.1', '10.9.0.0/16']);
    expect(proxies.clientAddress('127.0.0.1', '192.0.2.1')).toBe('192.0.2.1');
    expect(proxies.clientAddress('::ffff:127.0.0.1', '192.0.2.1')).toBe('192.0.2.1');
    // A chain: client, then an inner proxy of ours, then the one that connected.
    expect(proxies.clientAddress('127.0.0.1', '192.0.2.1, 10.9.3.4')).toBe('192.0.2.1');
    // A client's own forged entry on the left is never reached past a real client address.
    expect(proxies.clientAddress('127.0.0.1', '10.9.0.1, 192.0.2.1')).toBe('192.0.2.1');
    // From anyone not trusted, the header is ignored.
    expect(proxies.clientAddress('192.0.2.9', '198.51.100.1')).toBe('192.0.2.9');
    expect(new TrustedProxies([]).clientAddress('127.0.0.1', '198.51.100.1')).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For from a sender that is not a trusted proxy', { timeout: 60_000 }, async () => {
    const direct = await startTestApi({ VIGIA_LOGIN_MAX_FAILURES: '2' });
    try {
      // 10 bad tokens, each claiming another address: all count against the real one (budget 2 × 5 = 10).
      for (let i = 0; i < 10; i++) await gqlAs(direct.url, '{ me { role } }', {}, { ...from(`192.0.2.${i}`), authorization: 'Bearer vgs_x' });
      expect(codeOf(await gqlAs(direct.url, '{ me { role } }', {}, { ...from('192.0.2.200'), authorization: 'Bearer vgs_x' }))).toBe('TOO_MANY_ATTEMPTS');
    } finally {
      await direct.close();
    }
  });

  it('validates VIGIA_TRUSTED_PROXIES and names it', () => {
    expect(() => loadVigiaConfig({ VIGIA_TRUSTED_PROXIES: '10.0.0.0/8,proxy.local' })).toThrow(/^VIGIA_TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDR blocks/);
    expect(() => loadVigiaConfig({ VIGIA_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/VIGIA_TRUSTED_PROXIES/);
    expect(loadVigiaConfig({ VIGIA_TRUSTED_PROXIES: '10.0.0.0/8, ::1, fd00::/8' }).trustedProxies).toEqual(['10.0.0.0/8', '::1', 'fd00::/8']);
  });
});
