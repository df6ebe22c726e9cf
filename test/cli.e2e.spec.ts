import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IncidentsService } from '#lib/incidents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';

const CLI = `${ROOT}dist/apps/cli/src/main.js`;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

const FLEET = `version: 1
sites: [{ name: mad1 }]
hosts:
  - { name: web-1, site: mad1, addresses: [192.0.2.10] }
  - { name: db-1, site: mad1, addresses: [192.0.2.20], ssh: { jumpHost: web-1 } }
customers: [{ name: Acme }]
services:
  - { name: www, host: web-1, type: web, port: 443, customers: [Acme] }
monitors:
  - { name: web-1-home, host: web-1, service: www, type: http, config: { url: "https://192.0.2.10/" } }
  - { name: web-1-ping, host: web-1, type: icmp, config: {} }
  - { name: db-1-mysql, host: db-1, type: mysql, config: { user: vigia, password: { env: DB_PW } } }
`;

// Each command is a fresh Node process: seconds apiece on a loaded machine.
describe('the vigia CLI as a process (compiled dist) against a real API', { timeout: 120_000 }, () => {
  let api: TestApi;
  let dir: string;
  let env: Record<string, string>;
  let owner: { token: string };
  const run = (args: string[], extra: Record<string, string> = {}): Promise<Ran> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env, ...extra }, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const monitors = async () => (await api.app.get(DataSource).query('SELECT name FROM monitors WHERE deleted_at IS NULL ORDER BY name')).map((r: { name: string }) => r.name);

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first)`);
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('clico');
    const { createApiToken } = await api.ok<{ createApiToken: { token: string } }>('mutation { createApiToken(input: { name: "ci", role: operator }) { token } }', {}, owner.token);
    dir = await mkdtemp(join(tmpdir(), 'vigia-cli-'));
    // The token through a profile file, the URL through the environment: both ways are used.
    await writeFile(join(dir, 'profiles.json'), JSON.stringify({ profiles: { ci: { url: api.url, tokenEnv: 'CI_TOKEN' } } }));
    env = { VIGIA_PROFILES: join(dir, 'profiles.json'), CI_TOKEN: createApiToken.token, DB_PW: 'pw-from-env' };
  });
  afterAll(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('validate: every problem as file:line:column with the field, exit 3; a good file exits 0', async () => {
    const bad = await file('bad.yaml', FLEET.replace('jumpHost: web-1', 'jumpHost: web-9').replace('password: { env: DB_PW }', 'password: hunter2').replace('type: icmp', 'type: icmp, colour: red'));
    const ran = await run(['validate', bad]);
    expect(ran.code).toBe(3);
    expect(ran.stderr.split('\n').filter((l) => l.startsWith(bad))).toEqual([
      `${bad}:11:50: monitor web-1/web-1-ping, colour: is not a field here`,
      `${bad}:12:83: monitor db-1/db-1-mysql, config.password: is a secret written in the file: refer to it as { env: NAME } or { file: path, key: name }`,
    ]);
    expect((await run(['validate', await file('good.yaml', FLEET)])).stdout).toMatch(/valid \(1 sites, 2 hosts, 1 customers, 1 services, 3 monitors, 0 maintenance, 0 runbooks, 0 channels, 0 escalation, 0 resources\)/);
  });

  it('plan → apply → plan is empty; the profile names the API; secrets come from the environment', async () => {
    const path = await file('fleet.yaml', FLEET);
    const plan = await run(['plan', path, '--profile', 'ci', '--detailed-exitcode']);
    expect(plan.code).toBe(4);
    expect(plan.stdout).toContain('+ monitor db-1/db-1-mysql');
    expect(plan.stdout).toContain('Plan: 8 to create, 0 to change, 0 to delete, 0 to detach, 0 drifted.');
    const apply = await run(['apply', path, '--profile', 'ci']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(await monitors()).toEqual(['db-1-mysql', 'web-1-home', 'web-1-ping']);
    const again = await run(['plan', path, '--profile', 'ci', '--json', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changes: [], drift: [], problems: [] });
  });

  it('drift alone (the API changed a host to what the file now says) is applied, and the drift clears', async () => {
    const [web1] = await api.app.get(DataSource).query("SELECT id FROM hosts WHERE name = 'web-1' AND deleted_at IS NULL");
    await api.ok(`mutation { updateHost(id: "${web1.id}", input: {tags: ["prod"]}) { id } }`, {}, env.CI_TOKEN);
    const path = await file('tagged.yaml', FLEET.replace('addresses: [192.0.2.10] }', 'addresses: [192.0.2.10], tags: [prod] }'));
    const plan = await run(['plan', path, '--profile', 'ci', '--json', '--detailed-exitcode']);
    expect(plan.code).toBe(4);
    const planned = JSON.parse(plan.stdout) as { changes: unknown[]; drift: unknown[] };
    expect(planned.changes).toEqual([]);
    expect(planned.drift.length).toBeGreaterThan(0);
    // It used to stop at "no changes" and exit 0 without applying: the drift stayed, and CI's plan exited 4 for ever.
    expect((await run(['apply', path, '--profile', 'ci'])).code).toBe(0);
    const again = await run(['plan', path, '--profile', 'ci', '--json', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changes: [], drift: [] });
  });

  it('a missing secret, or a problem only the server sees, is placed in the file and applies nothing', async () => {
    const unset = await file('unset.yaml', FLEET.replace('{ env: DB_PW }', '{ env: NOT_SET_ANYWHERE }'));
    const noSecret = await run(['apply', unset, '--profile', 'ci']);
    expect(noSecret.code).toBe(3);
    expect(noSecret.stderr).toContain(`${unset}:12:83: monitor db-1/db-1-mysql, config.password: environment variable NOT_SET_ANYWHERE is not set`);
    // plan says so too, before the merge (the apply after it would refuse).
    const planned = await run(['plan', unset, '--profile', 'ci']);
    expect(planned.code).toBe(3);
    expect(planned.stderr).toContain(`${unset}:12:83: monitor db-1/db-1-mysql, config.password: environment variable NOT_SET_ANYWHERE is not set`);
    const path = await file('fleet.yaml', FLEET.replace('addresses: [192.0.2.10]', 'addresses: [169.254.169.254]'));
    const ran = await run(['apply', path, '--profile', 'ci']);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toMatch(new RegExp(`^${path}:4:44: host web-1, addresses\\[0\\]: .*cloud metadata`, 'm'));
    expect(await monitors()).toEqual(['db-1-mysql', 'web-1-home', 'web-1-ping']);
  });

  it('deletions need a confirmation: refused without a terminal (exit 6), done with --yes; --prune=false detaches', async () => {
    const smaller = await file('smaller.yaml', FLEET.replace(/ {2}- \{ name: web-1-ping.*\n/, ''));
    const refused = await run(['apply', smaller, '--profile', 'ci']);
    expect(refused.code).toBe(6);
    expect(refused.stdout).toContain('- monitor web-1/web-1-ping');
    expect(await monitors()).toContain('web-1-ping');
    expect((await run(['plan', smaller, '--profile', 'ci', '--prune=false'])).stdout).toContain('≠ monitor web-1/web-1-ping (detached');
    expect((await run(['apply', smaller, '--profile', 'ci', '--yes'])).code).toBe(0);
    expect(await monitors()).toEqual(['db-1-mysql', 'web-1-home']);
  });

  it('export writes a file that applies as a no-op; operator commands print tables and exit 0', async () => {
    const out = join(dir, 'export.yaml');
    expect((await run(['export', '--profile', 'ci', '-o', out])).code).toBe(0);
    const plan = await run(['plan', out, '--profile', 'ci', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
    const status = await run(['status', '--all', '--profile', 'ci']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^2 monitors: /);
    expect(status.stdout).toMatch(/HEALTH\s+MONITOR\s+HOST\s+REASON/);
    // A disabled monitor (a vantage's incident subject is one) is said to be disabled, not unknown with no reason,
    // and is listed only with --all.
    const [home] = await api.app.get(DataSource).query("SELECT id FROM monitors WHERE name = 'web-1-home' AND deleted_at IS NULL");
    await api.ok(`mutation { updateMonitor(id: "${home.id}", input: {enabled: false}) { id } }`, {}, env.CI_TOKEN);
    expect((await run(['status', '--all', '--profile', 'ci'])).stdout).toMatch(/disabled\s+web-1-home\s+web-1\s+not probed \(disabled\)/);
    expect((await run(['status', '--profile', 'ci'])).stdout).not.toContain('web-1-home');
    expect((await run(['incidents', '--profile', 'ci'])).stdout).toContain('No open incidents.');
    // The places probes run from, and whether each votes: at 3 a.m., from a terminal.
    await api.ok('mutation { createVantage(input: {name: "madrid-dc2", kind: private, region: "madrid"}) { token } }', {}, owner.token);
    const vantages = await run(['vantages', '--profile', 'ci']);
    expect(vantages.code).toBe(0);
    expect(vantages.stdout).toMatch(/VANTAGE\s+KIND\s+REGION\s+STANDING/);
    expect(vantages.stdout).toMatch(/madrid-dc2\s+private, agent\s+madrid\s+waiting for its agent to connect: no votes until it does/);
    expect((await run(['ack', 'not-an-id', '--profile', 'ci'])).code).toBe(2);
    // A runbook's parameters from the command line (there was no way to give them: "params.path: is required").
    await api.ok('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', { i: { source: 'name: poke\nparams: { path: { type: string } }\nsteps:\n  - { name: ask, type: http.request, with: { url: "http://192.0.2.10/{{ params.path }}" } }\n' } }, env.CI_TOKEN);
    const without = await run(['runbook', 'run', 'poke', '--dry-run', '--profile', 'ci']);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/params\.path/);
    const preview = await run(['runbook', 'run', 'poke', '--dry-run', '--param', 'path=health', '--profile', 'ci']);
    expect(preview.stderr).toBe('');
    expect(preview.stdout).toContain('http://192.0.2.10/health');
    expect((await run(['runbook', 'run', 'poke', '--dry-run', '--param', 'nonsense', '--profile', 'ci'])).stderr).toMatch(/--param nonsense: must be name=value/);
    // The 8 characters an alert prints ("[f1732ac3]") acknowledge the open incident they start.
    const [db] = await api.app.get(DataSource).query("SELECT id, tenant_id, host_id, service_id, name FROM monitors WHERE name = 'db-1-mysql' AND deleted_at IS NULL");
    const incident = await api.app.get(IncidentsService).open({ id: db.id, tenantId: db.tenant_id, hostId: db.host_id, serviceId: db.service_id, name: db.name }, new Date(), 'a test outage', { planned: false, flapping: false, suppressed: false });
    const acked = await run(['ack', incident!.id.slice(0, 8), '--profile', 'ci']);
    expect(acked.stderr).toBe('');
    expect(acked.stdout).toMatch(/^acknowledged: /);
    expect((await run(['status'], { VIGIA_PROFILES: join(dir, 'none.json') })).code).toBe(2);
    expect((await run(['status', '--profile', 'ci'], { CI_TOKEN: 'vgt_wrong' })).code).toBe(5);
  });
});
