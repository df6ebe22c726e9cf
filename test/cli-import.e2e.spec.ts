import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ROOT } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';

const CLI = `${ROOT}dist/apps/cli/src/main.js`;

/**
 * An operator moving from Gatus: `vigia import` writes a fleet file and a report, the file is finished as the report
 * says (addresses for the hosts named by DNS, the secrets' variables set), and `vigia apply` creates it through the API.
 */
describe('vigia import → finish → validate → apply (compiled CLI, real API)', { timeout: 180_000 }, () => {
  let api: TestApi;
  let dir: string;
  let env: Record<string, string>;
  const run = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env, ...extra }, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
    });

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    const owner = await api.tenant('importer');
    const { createApiToken } = await api.ok<{ createApiToken: { token: string } }>('mutation { createApiToken(input: { name: "import", role: operator }) { token } }', {}, owner.token);
    dir = await mkdtemp(join(tmpdir(), 'vigia-import-'));
    env = { VIGIA_URL: api.url, VIGIA_TOKEN: createApiToken.token };
  });
  afterAll(async () => api?.close());

  it('refuses an unknown tool and a missing path with the usage exit code', async () => {
    expect((await run(['import', 'zabbix', '.'])).code).toBe(2);
    const missing = await run(['import', 'gatus', 'nope.yaml']);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('does not exist') });
  });

  it('imports a Gatus config of 40 endpoints, finished as the report says, applied in one go', async () => {
    const imported = await run(['import', 'gatus', `${ROOT}test/fixtures/importers/gatus/config.yaml`, '-o', 'fleet.yaml', '--report', 'report.json', '--json']);
    expect(imported.code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { monitors: number; hostsWithoutAddresses: string[]; notImported: { why: string }[] };
    expect(report.monitors).toBe(38);
    expect(report.hostsWithoutAddresses.length).toBeGreaterThan(20);
    expect(report.notImported.some((u) => u.why.includes('wss:// endpoints have no Vigia probe'))).toBe(true);

    // As written, the file is refused for exactly the hosts the report names, and nothing is applied.
    const refused = await run(['validate', 'fleet.yaml']);
    expect(refused.code).toBe(3);
    for (const host of report.hostsWithoutAddresses) expect(refused.stdout + refused.stderr).toContain(`host ${host}, addresses: is required`);

    // The operator's part: an address for each of those hosts (documentation range).
    const doc = parseDocument(await readFile(join(dir, 'fleet.yaml'), 'utf8'));
    const hosts = doc.get('hosts') as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] };
    hosts.items.forEach((h, i) => {
      if (report.hostsWithoutAddresses.includes(String(h.get('name')))) h.set('addresses', [`198.51.100.${i + 1}`]);
    });
    await writeFile(join(dir, 'fleet.yaml'), doc.toString());
    expect((await run(['validate', 'fleet.yaml'])).code).toBe(0);

    const applied = await run(['apply', 'fleet.yaml', '--yes']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const rows = (await api.app.get(DataSource).query('SELECT m.name, m.type, m.config FROM monitors m JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = $1 AND m.deleted_at IS NULL', ['importer'])) as { name: string; type: string; config: Record<string, unknown> }[];
    expect(rows).toHaveLength(38);
    expect(rows.find((r) => r.name === 'panel')).toMatchObject({ type: 'http', config: { jsonPath: '$.status', jsonEquals: 'UP' } });
    expect(rows.find((r) => r.name === 'smtp-mx2')).toMatchObject({ type: 'smtp', config: { port: 587, starttls: true } });
    // Applying the same file again changes nothing.
    const again = await run(['plan', 'fleet.yaml', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
  });
});
