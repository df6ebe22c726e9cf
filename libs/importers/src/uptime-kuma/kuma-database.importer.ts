import { readFileSync } from 'node:fs';
import initSqlJs, { type Database } from 'sql.js';
import type { ImportedFleet } from '../imported-fleet.js';
import { displayPath } from '../yaml-source.js';
import { assembleKuma } from './kuma-assembly.js';

/**
 * Uptime Kuma 2.x SQLite database (`kuma.db`), read with sql.js (SQLite compiled to WebAssembly): the file is read
 * into memory and never written, so a running Kuma's database is safe to point at (copy it first for a consistent
 * snapshot: `sqlite3 kuma.db ".backup kuma-copy.db"`).
 */
export async function importKumaDatabase(file: string): Promise<ImportedFleet> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(file));
  try {
    const rows = (sql: string): Record<string, unknown>[] => (hasTable(db, sql) ? query(db, sql) : []);
    const tags = new Map<number, string[]>();
    for (const t of rows('SELECT mt.monitor_id, t.name, mt.value FROM monitor_tag mt JOIN tag t ON t.id = mt.tag_id ORDER BY mt.id')) {
      const id = Number(t.monitor_id);
      tags.set(id, [...(tags.get(id) ?? []), t.value ? `${String(t.name)}=${String(t.value)}` : String(t.name)]);
    }
    return assembleKuma({
      origin: displayPath(file),
      monitors: rows('SELECT * FROM monitor ORDER BY id'),
      tags,
      notifications: rows('SELECT * FROM notification ORDER BY id').map((n) => ({ id: Number(n.id), name: String(n.name), active: Number(n.active) !== 0, config: String(n.config ?? '{}') })),
      monitorNotifications: groupPairs(rows('SELECT monitor_id AS a, notification_id AS b FROM monitor_notification ORDER BY id')),
      maintenance: rows('SELECT * FROM maintenance ORDER BY id'),
      maintenanceMonitors: groupPairs(rows('SELECT maintenance_id AS a, monitor_id AS b FROM monitor_maintenance ORDER BY id')),
    });
  } finally {
    db.close();
  }
}

/** Whether every table a query names exists (older databases lack some). */
function hasTable(db: Database, sql: string): boolean {
  const tables = [...sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/gi)].map((m) => m[1]!);
  return tables.every((t) => query(db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${t.replace(/'/g, '')}'`).length > 0);
}

function query(db: Database, sql: string): Record<string, unknown>[] {
  const result = db.exec(sql);
  if (!result.length) return [];
  const { columns, values } = result[0]!;
  return values.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
}

function groupPairs(rows: Record<string, unknown>[]): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const r of rows) map.set(Number(r.a), [...(map.get(Number(r.a)) ?? []), Number(r.b)]);
  return map;
}
