import { readFileSync } from 'node:fs';
import type { ImportedFleet } from '../imported-fleet.js';
import { displayPath } from '../yaml-source.js';
import { assembleKuma } from './kuma-assembly.js';

/** Uptime Kuma 1.x "Export backup" JSON: `monitorList` and `notificationList`. */
export function importKumaBackup(file: string): ImportedFleet {
  const backup = JSON.parse(readFileSync(file, 'utf8')) as { monitorList?: Record<string, unknown>[]; notificationList?: Record<string, unknown>[] };
  const monitors = backup.monitorList ?? [];
  const tags = new Map<number, string[]>();
  const monitorNotifications = new Map<number, number[]>();
  for (const m of monitors) {
    const id = Number(m.id);
    const list = Array.isArray(m.tags) ? (m.tags as Record<string, unknown>[]) : [];
    tags.set(id, list.map((t) => (t.value ? `${String(t.name)}=${String(t.value)}` : String(t.name))));
    const ids = m.notificationIDList && typeof m.notificationIDList === 'object' ? m.notificationIDList as Record<string, unknown> : {};
    monitorNotifications.set(id, Object.entries(ids).filter(([, on]) => on === true || on === 1).map(([k]) => Number(k)));
  }
  return assembleKuma({
    origin: displayPath(file),
    monitors,
    tags,
    notifications: (backup.notificationList ?? []).map((n) => ({ id: Number(n.id), name: String(n.name), active: n.active !== false && n.active !== 0, config: String(n.config ?? '{}') })),
    monitorNotifications,
    maintenance: [],
    maintenanceMonitors: new Map(),
  });
}
