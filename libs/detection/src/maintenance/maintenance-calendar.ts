import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { occurrences } from './recurrence.js';

/** One occurrence of a maintenance window and what it covers. */
export interface WindowRow {
  name: string;
  starts_at: Date;
  ends_at: Date;
  host_ids: string[];
  service_ids: string[];
  monitor_ids: string[];
}

/** Whether a window's occurrence covers a monitor: named itself, or through its host or its service. */
export function windowCovers(w: WindowRow, m: { id: string; host_id: string; service_id: string | null }): boolean {
  return w.monitor_ids.includes(m.id) || w.host_ids.includes(m.host_id) || (m.service_id !== null && w.service_ids.includes(m.service_id));
}

/** What a window may cover: a monitor, its host and its service. */
export interface MaintenanceSubject {
  monitorId: string;
  hostId: string;
  serviceId: string | null;
}

interface Candidate {
  name: string;
  starts_at: Date;
  ends_at: Date;
  recurrence: string | null;
  time_zone: string | null;
  host_ids: string[];
  service_ids: string[];
  monitor_ids: string[];
}

/**
 * The one reader of `maintenance_windows` by time: the detector (is this monitor in maintenance now?), the fleet
 * (what is in maintenance now?), reports (planned time over a period) and placement all ask here, so a recurring
 * window counts the same everywhere. PostgreSQL picks the windows not over yet (`recurs_until`) that started before
 * the period ends; their occurrences are expanded here (recurrence.ts).
 */
@Injectable()
export class MaintenanceCalendar {
  constructor(private readonly dataSource: DataSource) {}

  /** Every occurrence overlapping [from, to), one row each; only those covering `subject` when given. */
  async between(tenantId: string, from: Date, to: Date, subject?: MaintenanceSubject): Promise<WindowRow[]> {
    const candidates: Candidate[] = await this.dataSource.query(
      `SELECT name, starts_at, ends_at, recurrence, time_zone, host_ids, service_ids, monitor_ids FROM maintenance_windows
        WHERE tenant_id = $1 AND starts_at < $3 AND coalesce(recurs_until, 'infinity') > $2
          AND ($4::uuid IS NULL OR $4::uuid = ANY(monitor_ids) OR $5::uuid = ANY(host_ids) OR ($6::uuid IS NOT NULL AND $6::uuid = ANY(service_ids)))`,
      [tenantId, from, to, subject?.monitorId ?? null, subject?.hostId ?? null, subject?.serviceId ?? null],
    );
    return candidates.flatMap((w) =>
      occurrences({ startsAt: w.starts_at, endsAt: w.ends_at, recurrence: w.recurrence, timeZone: w.time_zone }, from, to).map((o) => ({
        name: w.name,
        starts_at: o.startsAt,
        ends_at: o.endsAt,
        host_ids: w.host_ids,
        service_ids: w.service_ids,
        monitor_ids: w.monitor_ids,
      })),
    );
  }

  /** The occurrences in progress at `at`. */
  activeAt(tenantId: string, at: Date, subject?: MaintenanceSubject): Promise<WindowRow[]> {
    return this.between(tenantId, at, new Date(at.getTime() + 1), subject);
  }
}
