import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { readFleet, writeFleet } from '#lib/fleet';
import { importerKind } from './importer-kinds.js';
import { formatImportReport, toFleet } from './to-fleet.js';

async function kumaDb(): Promise<string> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  for (const f of ['kuma-2.x-schema.sql', 'kuma-2.x-data.sql']) db.exec(readFileSync(`test/fixtures/importers/uptime-kuma/${f}`, 'utf8'));
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kuma-')), 'kuma.db');
  writeFileSync(file, db.export());
  return file;
}

const SOURCES: [string, () => Promise<string> | string][] = [
  ['nagios', () => 'test/fixtures/importers/nagios/nagios.cfg'],
  ['icinga2', () => 'test/fixtures/importers/icinga2'],
  ['uptime-kuma', kumaDb],
  ['uptime-kuma', () => 'test/fixtures/importers/uptime-kuma/backup-1.23.json'],
  ['gatus', () => 'test/fixtures/importers/gatus/config.yaml'],
  ['prometheus', () => 'test/fixtures/importers/prometheus'],
];

describe('an import becomes a fleet file that vigia validate reads', () => {
  it.each(SOURCES)('%s: the written file reads back; the only refusals are the hosts the report asks addresses for', async (kind, where) => {
    const imported = await importerKind(kind)!.read(await where());
    const result = toFleet(imported);
    const text = writeFleet(result.document, `imported from ${kind}`);
    const read = readFleet('fleet.yaml', text);
    const refused = read.problems.map((p) => `${p.field}: ${p.message}`);
    expect(refused).toEqual(result.hostsWithoutAddresses.map((h) => `host ${h}, addresses: is required`));
    if (!result.hostsWithoutAddresses.length) expect(read.document!.monitors).toHaveLength(imported.monitors.length);
    // Every credential is a reference, never the value; the report names the variable to set.
    expect(text).not.toMatch(/secret-\d+|S3cr3t/);
    const report = formatImportReport(result, imported);
    for (const s of result.secrets) expect(report).toContain(s.env);
    for (const u of imported.unmapped) expect(report).toContain(u.why);
  });

  it('writes credentials as environment references the file accepts', async () => {
    const result = toFleet(await importerKind('uptime-kuma')!.read(await kumaDb()));
    const mysql = result.document.monitors.find((m) => m.name === 'MySQL master')!;
    expect(mysql.config.password).toEqual({ env: 'UPTIME_KUMA_MYSQL_MASTER_PASSWORD' });
    const admin = result.document.monitors.find((m) => m.name === 'Panel admin')!;
    expect(admin.config.headers).toEqual({ Authorization: { env: 'UPTIME_KUMA_PANEL_ADMIN_AUTHORIZATION' } });
    expect(result.report.map((r) => r.what)).toEqual(expect.arrayContaining(['channel "NOC e-mail" (email)', 'maintenance "MySQL upgrade"']));
  });
});
