import { FleetCollector, type ImportedFleet } from '../imported-fleet.js';
import { isMapped } from '../mapped-check.js';
import { kumaMonitorOf, kumaTarget, mapKumaMonitor, type KumaMonitor } from './kuma-monitor.js';

/** What both Kuma sources hold, as rows: the backup's lists and the database's tables read alike. */
export interface KumaData {
  readonly origin: string;
  readonly monitors: Record<string, unknown>[];
  /** Tags per monitor id: `name` or `name=value`. */
  readonly tags: Map<number, string[]>;
  readonly notifications: { id: number; name: string; active: boolean; config: string }[];
  readonly monitorNotifications: Map<number, number[]>;
  readonly maintenance: Record<string, unknown>[];
  readonly maintenanceMonitors: Map<number, number[]>;
}

export function assembleKuma(data: KumaData): ImportedFleet {
  const out = new FleetCollector('uptime-kuma');
  const channels = importNotifications(out, data);
  const monitors = data.monitors.map(kumaMonitorOf);
  const byId = new Map(monitors.map((m) => [m.id, m]));
  const names = new Map<number, string>();
  for (const m of monitors) {
    const origin = `${data.origin} monitor ${m.id} "${m.name}"`;
    // Groups are folders in Kuma: their members carry the group names (outermost first) as tags.
    if (m.type === 'group') continue;
    const mapped = mapKumaMonitor(m);
    if (!isMapped(mapped)) {
      out.skip(origin, `monitor "${m.name}"`, mapped.why);
      continue;
    }
    const host = out.hostFor(kumaTarget(m) ?? 'unknown-host', origin);
    const monitor = out.monitor({
      name: m.name, host, type: mapped.type, config: mapped.config, origin, enabled: m.active,
      intervalMs: m.intervalS * 1000,
      // Kuma's default timeout is 80 % of the interval (at most 48 s).
      timeoutMs: mapped.timeoutMs ?? Math.round((m.timeoutS ?? Math.min(48, m.intervalS * 0.8)) * 1000),
      tags: [...groupsOf(m, byId), ...(data.tags.get(m.id) ?? [])],
      channels: (data.monitorNotifications.get(m.id) ?? []).map((id) => channels.get(id)).filter((c): c is string => Boolean(c)),
      secretsNeeded: mapped.secretsNeeded ?? [],
    });
    if (!monitor) continue;
    names.set(m.id, `${monitor.host}/${monitor.name}`);
    for (const note of mapped.notes ?? []) out.skip(origin, `monitor "${monitor.name}"`, note);
  }
  importMaintenance(out, data, names);
  return out.result();
}

function groupsOf(m: KumaMonitor, byId: Map<number, KumaMonitor>): string[] {
  const groups: string[] = [];
  const seen = new Set<number>();
  for (let parent = m.parent; parent !== undefined && !seen.has(parent); parent = byId.get(parent)?.parent) {
    seen.add(parent);
    const group = byId.get(parent);
    if (group) groups.unshift(group.name);
  }
  return groups;
}

/** Kuma notification providers Vigia has a channel for; the secret settings are named, never copied. */
const PROVIDERS: Record<string, (c: Record<string, unknown>) => { type: string; config: Record<string, unknown>; secret: boolean }> = {
  smtp: (c) => ({ type: 'email', config: { to: String(c.smtpTo ?? '').split(',').map((a) => a.trim()).filter(Boolean) }, secret: false }),
  webhook: (c) => ({ type: 'webhook', config: { url: c.webhookURL }, secret: true }),
  pagerduty: () => ({ type: 'pagerduty', config: {}, secret: true }),
  opsgenie: () => ({ type: 'opsgenie', config: {}, secret: true }),
};

function importNotifications(out: FleetCollector, data: KumaData): Map<number, string> {
  const names = new Map<number, string>();
  for (const n of data.notifications) {
    const origin = `${data.origin} notification ${n.id} "${n.name}"`;
    let config: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(n.config || '{}');
      if (parsed && typeof parsed === 'object') config = parsed as Record<string, unknown>;
    } catch {
      out.skip(origin, `notification "${n.name}"`, 'its settings are not JSON');
      continue;
    }
    const type = String(config.type ?? '');
    const provider = PROVIDERS[type.toLowerCase()];
    if (!provider) {
      out.skip(origin, `notification "${n.name}"`, `Vigia has no ${type || 'such'} channel (channels: email, pagerduty, opsgenie, webhook)`);
      continue;
    }
    const made = provider(config);
    out.channels.push({ name: n.name, type: made.type, config: made.config, secretsNeeded: made.secret ? ['secret'] : [], origin });
    if (type === 'smtp' && (config.smtpHost || config.smtpPassword)) {
      out.skip(origin, `notification "${n.name}" SMTP server`, "the SMTP relay is the platform's or the tenant's mail settings, not a channel's; its password is not imported");
    }
    names.set(n.id, n.name);
  }
  return names;
}

function importMaintenance(out: FleetCollector, data: KumaData, names: Map<number, string>): void {
  for (const w of data.maintenance) {
    const id = Number(w.id);
    const title = String(w.title ?? `maintenance ${id}`);
    const origin = `${data.origin} maintenance ${id} "${title}"`;
    const monitors = (data.maintenanceMonitors.get(id) ?? []).map((m) => names.get(m)).filter((n): n is string => Boolean(n));
    const strategy = String(w.strategy ?? 'single');
    const base = { name: title, monitors, hosts: [], timeZone: typeof w.timezone === 'string' && w.timezone ? w.timezone : undefined, origin };
    if (strategy === 'single' && w.start_date && w.end_date) out.maintenance.push({ ...base, startsAt: String(w.start_date), endsAt: String(w.end_date) });
    else if (strategy === 'cron' && w.cron) out.maintenance.push({ ...base, recurrence: `cron "${String(w.cron)}" for ${Number(w.duration ?? 0)} min` });
    else if (strategy === 'recurring-weekday') out.maintenance.push({ ...base, recurrence: `weekdays ${String(w.weekdays)} ${String(w.start_time ?? '')}-${String(w.end_time ?? '')}` });
    else out.skip(origin, `maintenance "${title}"`, `strategy ${strategy} (manual or without dates) has no schedule to import`);
  }
}
