import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportedFleet } from '../imported-fleet.js';
import { importerKind } from '../importer-kinds.js';

const FIXTURES = 'test/fixtures/importers/uptime-kuma';
const SECRETS = /kuma1?-[a-z]+-secret-\d+|kuma-push-token-7|\$2a\$10/;

/** A kuma.db as Uptime Kuma 2.x lays it out (schema from its knex migrations), written to a file like Kuma's. */
async function kumaDatabase(): Promise<string> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec(readFileSync(path.join(FIXTURES, 'kuma-2.x-schema.sql'), 'utf8'));
  db.exec(readFileSync(path.join(FIXTURES, 'kuma-2.x-data.sql'), 'utf8'));
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kuma-')), 'kuma.db');
  writeFileSync(file, db.export());
  db.close();
  return file;
}

const importKuma = (file: string) => Promise.resolve(importerKind('uptime-kuma')!.read(file));

describe('Uptime Kuma 2.x database (kuma.db)', () => {
  let file: string;
  let fleet: ImportedFleet;
  let before: { mtimeMs: number; bytes: string };
  beforeAll(async () => {
    file = await kumaDatabase();
    before = { mtimeMs: statSync(file).mtimeMs, bytes: readFileSync(file).toString('base64') };
    fleet = await importKuma(file);
  });
  const monitor = (name: string) => fleet.monitors.find((m) => m.name === name);
  const report = (what: string) => fleet.unmapped.filter((u) => u.what.startsWith(what)).map((u) => u.why);

  it('reads the database without changing it', () => {
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(readFileSync(file).toString('base64')).toBe(before.bytes);
  });

  it('maps http, keyword, json-query, port, ping, dns, smtp and mysql monitors; groups become tags', () => {
    expect(monitor('bakery-lopez.example')).toMatchObject({
      type: 'http', host: 'www.bakery-lopez.example', intervalMs: 60_000, timeoutMs: 48_000,
      tags: ['customer-sites', 'shared-hosting', 'plan=shared'], channels: ['NOC e-mail'], config: { url: 'https://www.bakery-lopez.example/' },
    });
    expect(monitor('taller-garcia.example')).toMatchObject({ intervalMs: 120_000, timeoutMs: 30_000, config: { bodyContains: 'Taller García' } });
    expect(monitor('clinica-norte.example')!.config).toEqual({ url: 'https://clinica-norte.example/', followRedirects: false, tlsVerify: false, expectedStatus: undefined });
    expect(report('monitor "clinica-norte.example"')[0]).toContain('at most 20 codes');
    expect(monitor('hotel-playa.example (paused)')!.enabled).toBe(false);
    expect(monitor('Panel API')).toMatchObject({
      channels: ['NOC e-mail', 'PagerDuty NOC'],
      config: { jsonPath: '$.status', jsonEquals: 'UP', headers: { Accept: 'application/json' } }, tags: ['critical'],
    });
    expect(monitor('mx1 SMTP')).toMatchObject({ type: 'smtp', host: '10.40.2.21', config: { port: 587, starttls: true }, tags: ['mail', 'site=mad1'] });
    expect(monitor('mx2 SMTPS')!.config).toEqual({ host: 'mx2.example-hosting.net', port: 465, tls: true });
    expect(monitor('imap1 port')).toMatchObject({ type: 'tcp', config: { port: 993 } });
    expect(monitor('Gateway')).toMatchObject({ type: 'icmp', intervalMs: 20_000, timeoutMs: 16_000 });
    expect(monitor('ns1 A record')!.config).toEqual({ server: '10.40.4.53', name: 'example-hosting.net', recordType: 'A' });
    expect(monitor('MySQL master')).toMatchObject({
      type: 'mysql', host: '10.40.3.10', secretsNeeded: ['password'], channels: ['PagerDuty NOC', 'Ticket webhook'],
      config: { user: 'kuma', port: 3306, database: 'customers', query: 'SELECT 1' },
    });
  });

  it('imports channels and maintenance windows, reporting what has no counterpart', () => {
    expect(fleet.channels.map((c) => [c.name, c.type, c.secretsNeeded])).toEqual([
      ['NOC e-mail', 'email', []], ['PagerDuty NOC', 'pagerduty', ['secret']], ['Ticket webhook', 'webhook', ['secret']],
    ]);
    expect(fleet.channels[0]!.config).toEqual({ to: ['noc@example-hosting.net', 'oncall@example-hosting.net'] });
    expect(report('notification "Telegram on-call"')[0]).toContain('no telegram channel');
    expect(fleet.maintenance).toEqual([
      expect.objectContaining({ name: 'MySQL upgrade', monitors: ['10.40.3.10/MySQL master', '10.40.3.11/MySQL replica port'], startsAt: '2026-12-05 02:00:00', endsAt: '2026-12-05 04:00:00', timeZone: 'Europe/Madrid' }),
      expect.objectContaining({ name: 'Weekly mail patching', monitors: ['10.40.2.21/mx1 SMTP', 'mx2.example-hosting.net/mx2 SMTPS', '10.40.2.31/imap1 port'], recurrence: 'cron "0 2 * * 2" for 60 min' }),
    ]);
    expect(report('maintenance "Manual: datacenter move"')[0]).toContain('manual');
  });

  it('refuses what Vigia does not do, with why, and never copies a secret', () => {
    expect(report('monitor "Nightly backup"')[0]).toContain('push monitors');
    expect(report('monitor "Old FTP must be closed"')[0]).toContain('upside-down');
    expect(report('monitor "Maintenance page gone"')[0]).toContain('inverted keyword');
    expect(report('monitor "Panel queue depth"')[0]).toContain('JSONata expression');
    expect(report('monitor "Docker: webmail"')[0]).toContain("docker monitors have no Vigia probe");
    expect(monitor('Panel admin')).toMatchObject({ secretsNeeded: ['headers.Authorization'], config: { method: 'POST', body: '{"probe":true}' } });
    expect(JSON.stringify(fleet)).not.toMatch(SECRETS);
    // 22 rows: 4 groups, 13 monitors, 5 reported.
    expect(fleet.monitors).toHaveLength(13);
  });
});

describe('Uptime Kuma 1.x backup JSON', () => {
  let fleet: ImportedFleet;
  beforeAll(async () => {
    fleet = await importKuma(path.join(FIXTURES, 'backup-1.23.json'));
  });
  const monitor = (name: string) => fleet.monitors.find((m) => m.name === name);

  it('maps the backup\'s monitors, tags, groups and notifications like the database', () => {
    expect(monitor('www.example-hosting.net')).toMatchObject({ type: 'http', tags: ['web-cluster', 'env=prod'], channels: ['Ops mail', 'Opsgenie'] });
    expect(monitor('shop.example-hosting.net')).toMatchObject({ intervalMs: 120_000, timeoutMs: 20_000, config: { bodyContains: 'Add to cart' } });
    expect(monitor('web1 HTTP')!.config).toEqual({ url: 'http://10.50.1.11/healthz', expectedStatus: [200, 204], followRedirects: false });
    expect(monitor('API status')!.config).toMatchObject({ jsonPath: '$.components.db', jsonEquals: 'ok', headers: { 'X-Probe': 'kuma' } });
    expect(monitor('web1 SSH')).toMatchObject({ type: 'tcp', host: '10.50.1.11', config: { port: 22 } });
    expect(monitor('Resolver')!.config).toEqual({ server: '10.50.4.53', name: 'example-hosting.net', recordType: 'MX' });
    expect(monitor('Customers DB')).toMatchObject({ type: 'mysql', secretsNeeded: ['password'], config: { user: 'monitor', database: 'customers' } });
    expect(monitor('Status page')).toMatchObject({ enabled: false, secretsNeeded: ['headers.Authorization'] });
    expect(fleet.channels.map((c) => c.type)).toEqual(['email', 'opsgenie']);
    expect(fleet.unmapped.map((u) => u.what)).toEqual(expect.arrayContaining(['notification "Discord"', 'monitor "Heartbeat from cron"', 'monitor "Steam server"']));
    expect(JSON.stringify(fleet)).not.toMatch(SECRETS);
  });
});
