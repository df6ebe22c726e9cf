import type { EntityManager } from 'typeorm';

/** Marks every row of made-up history: state change and incident reasons start with it. */
export const DEMO_HISTORY_MARK = '[demo history]';
const DAY = 86_400_000;

export interface HistoryMonitor {
  id: string;
  hostId: string;
  serviceId: string | null;
  name: string;
}

/** A deterministic pseudo-random sequence: the same demo gives the same month. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

/**
 * A month of plausible history for the demo's monitors, written into the tables the watchdog writes (state changes,
 * incidents with their timeline, an observation span) and read by reports, every row marked `[demo history]`. The
 * demo's inventory is dated back to the start of that month (it "existed" then), so reports count it as observed.
 * Outages: a few per web server (minutes each), one on the front (the failover's brief gap), one degraded spell of
 * the mail server, one on the database when the demo watches the machine's MySQL (its monitor comes last, so the
 * others' month is the same with or without it). Nothing goes through the incident outbox: nobody is paged about the past.
 */
export async function writeDemoHistory(manager: EntityManager, tenantId: string, monitors: HistoryMonitor[], hostIds: string[], serviceIds: string[], customerIds: string[], now: Date): Promise<number> {
  const start = new Date(now.getTime() - 30 * DAY);
  const monitorIds = monitors.map((m) => m.id);
  await manager.query('UPDATE hosts SET created_at = $2 WHERE id = ANY($1::uuid[])', [hostIds, start]);
  await manager.query('UPDATE services SET created_at = $2 WHERE id = ANY($1::uuid[])', [serviceIds, start]);
  await manager.query('UPDATE customers SET created_at = $2 WHERE id = ANY($1::uuid[])', [customerIds, start]);
  await manager.query('UPDATE monitors SET created_at = $2 WHERE id = ANY($1::uuid[])', [monitorIds, start]);
  await manager.query('UPDATE service_customers SET starts_at = $2 WHERE service_id = ANY($1::uuid[]) AND ends_at IS NULL', [serviceIds, start]);
  // Vigia "watched" the whole month (the platform-wide heartbeat record; on the first start nothing else exists yet).
  await manager.query('INSERT INTO observation_spans (started_at, ended_at) VALUES ($1, $2)', [start, now]);

  const next = random(16);
  let incidents = 0;
  const change = (m: HistoryMonitor, at: Date, from: string, to: string, reason: string) =>
    manager.query(
      'INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) VALUES ($1, $2, $3, $3, $4, $5, false, $6)',
      [tenantId, m.id, at, from, to, `${DEMO_HISTORY_MARK} ${reason}`],
    );
  for (const m of monitors) {
    await change(m, new Date(start.getTime() + 60_000), 'unknown', 'up', 'first probe answered');
    const outages = m.name.startsWith('web-') ? 3 : m.name.startsWith('www') || m.name.startsWith('db') ? 1 : 0;
    for (let i = 0; i < outages; i++) {
      const day = 2 + Math.floor(((i + next()) / outages) * 26);
      const opened = new Date(start.getTime() + day * DAY + Math.floor(next() * 20 * 3_600_000));
      const minutes = m.name.startsWith('www') ? 1 + Math.floor(next() * 2) : 4 + Math.floor(next() * 40);
      const resolved = new Date(opened.getTime() + minutes * 60_000);
      const why = m.name.startsWith('www')
        ? 'front answered 502 while its upstream was switched'
        : m.name.startsWith('db')
          ? 'Too many connections (ER_CON_COUNT_ERROR)'
          : ['connection refused', 'HTTP 503 Service Unavailable', 'no answer within 1 s'][i % 3]!;
      await change(m, opened, 'up', 'down', why);
      await change(m, resolved, 'down', 'up', 'answered again');
      const [incident] = (await manager.query(
        `INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason, resolve_reason)
         VALUES ($1, $2, $3, $4, 'resolved', $5, $6, $7, $8) RETURNING id`,
        [tenantId, m.id, m.hostId, m.serviceId, opened, resolved, `${DEMO_HISTORY_MARK} ${why}`, `${DEMO_HISTORY_MARK} answered again`],
      )) as { id: string }[];
      await manager.query(
        'INSERT INTO incident_events (tenant_id, incident_id, at, kind, message) VALUES ($1, $2, $3, $4, $5), ($1, $2, $6, $7, $8)',
        [tenantId, incident!.id, opened, 'opened', `${DEMO_HISTORY_MARK} ${m.name} down: ${why}`, resolved, 'resolved', `${DEMO_HISTORY_MARK} ${m.name} up again after ${minutes} min`],
      );
      incidents++;
    }
    if (m.name.startsWith('mail')) {
      const from = new Date(start.getTime() + 17 * DAY + 9 * 3_600_000);
      await change(m, from, 'up', 'degraded', 'slower than 500 ms');
      await change(m, new Date(from.getTime() + 95 * 60_000), 'degraded', 'up', 'answered in 12 ms');
    }
  }
  return incidents;
}
