import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileUserPattern, MAX_SUBJECT_LENGTH } from '#lib/common';
import { startTestApi, type TestApi } from '../support/test-api.js';

/** The pattern of the report: catastrophic backtracking in V8 (14 s on 30 characters, doubling with each one). */
const EVIL = '^(a+)+$';

describe('user-supplied patterns run in linear time (RE2), and what RE2 cannot run is refused at save', () => {
  let api: TestApi;
  let token: string;
  let db: DataSource;
  let server: Server;
  let base = '';
  let hostId = '';
  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const monitor = 'mutation($c: JSONObject!, $t: ProbeType!) { createMonitor(input: {name: "m", type: $t, hostId: $h, config: $c, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }'.replace('mutation(', 'mutation($h: ID!, ');

  beforeAll(async () => {
    // 'a' × 40 then '!': no match, the worst case for a backtracking engine.
    server = createServer((_req, res) => res.end(`${'a'.repeat(40)}!`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    db = api.app.get(DataSource);
    token = (await api.tenant('regex')).token;
    hostId = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    server?.close();
  });

  it(`bodyRegex ${EVIL} against 40 characters answers at once (the backtracking engine would take hours)`, async () => {
    const id = (await gql<{ createMonitor: { id: string } }>(monitor, { h: hostId, t: 'http', c: { url: `${base}/`, bodyRegex: EVIL } })).createMonitor.id;
    const started = performance.now();
    const result = (await gql<{ probeNow: { status: string; reason: string } }>(`mutation { probeNow(monitorId: "${id}") { status reason } }`)).probeNow;
    // A generous bound: the point is "not frozen", not a benchmark (see docs/performance.md).
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ status: 'down', reason: expect.stringMatching(/body does not match \/\^\(a\+\)\+\$\/$/) });
  });

  it.each([
    ['http', 'bodyRegex', { url: 'http://192.0.2.1/' }],
    ['tcp', 'bannerRegex', { port: 25 }],
    ['ssh', 'outputRegex', { command: 'uptime' }],
  ])('%s %s: backreferences, lookaround and patterns over 1,000 characters are refused naming the field; nothing saved', async (type, field, config) => {
    const before = Number((await db.query('SELECT count(*) AS n FROM monitors'))[0].n);
    for (const [pattern, why] of [
      ['(a)\\1', /backreferences or lookaround/], ['(?=a)b', /backreferences or lookaround/], ['(?<!a)b', /backreferences or lookaround/],
      ['(?<n>a)\\k<n>', /backreferences or lookaround/], ['a'.repeat(1001), /at most 1000 characters/], ['(', /must be a valid regular expression/],
    ] as const) {
      const res = await api.gql(monitor, { h: hostId, t: type, c: { ...config, [field]: pattern } }, token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: `input.config.${field}` });
      expect(res.errors?.[0]?.message).toMatch(why);
    }
    expect(Number((await db.query('SELECT count(*) AS n FROM monitors'))[0].n)).toBe(before);
  });

  it('a runbook wait.until with an inline probe gets the same check, naming the step field', async () => {
    const source = `name: poll\nsteps:\n  - { name: poll, type: wait.until, with: { probe: http, config: { url: "${base}/", bodyRegex: "(?=a)" }, deadline: 2s } }\n`;
    const res = await api.gql<{ dryRunRunbook: unknown }>('query($i: DryRunInput!) { dryRunRunbook(input: $i) { name } }', { i: { source } }, token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'steps[0].with.config.bodyRegex' });
  });

  it('matches only the first 1 MiB of a subject', () => {
    const pattern = compileUserPattern('needle');
    expect(pattern.test(`${'x'.repeat(MAX_SUBJECT_LENGTH - 6)}needle`)).toBe(true);
    expect(pattern.test(`${'x'.repeat(MAX_SUBJECT_LENGTH)}needle`)).toBe(false);
  });
});
