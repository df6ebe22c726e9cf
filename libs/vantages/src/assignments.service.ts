import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { assertUuid, VigiaException } from '#lib/common';
import { MonitorsService } from '#lib/inventory';
import type { Principal } from '#lib/tenancy';
import { stopsVoting } from './health/impairment.js';
import { chooseK } from './rendezvous.js';
import { VantagesService } from './vantages.service.js';
import type { Vantage } from './entities/vantage.entity.js';

/** What an operator asks for: which vantages (null: every platform vantage) and how many must agree (null: majority). */
export interface AssignmentInputData {
  vantageIds?: string[] | null;
  quorum?: number | null;
  /** k of them, chosen per monitor by rendezvous hashing over the healthy ones (null: all of them). */
  count?: number | null;
}

/** An assignment as set: the vantages named (null: every platform vantage), the quorum (null: majority), k of N (null: all). */
export interface AssignmentSetting {
  vantageIds: string[] | null;
  quorum: number | null;
  count: number | null;
}

interface SettingRow {
  vantage_ids: string[] | null;
  quorum: number | null;
  vantage_count: number | null;
}

const settingFrom = (row: SettingRow): AssignmentSetting => ({ vantageIds: row.vantage_ids, quorum: row.quorum, count: row.vantage_count });

/** A monitor's assignment as the watchdog uses it: who votes and how many must agree. */
export interface ResolvedAssignment {
  /** The central watchdogs probe it (as one voter: whichever replica owns the monitor) — voting, or impaired and observing. */
  central: boolean;
  /** Why the central tier does not vote on it now (impaired), else null. */
  centralImpaired: string | null;
  /** Remote agents that vote on it, by id and the name they vote under. */
  agents: { id: string; name: string }[];
  /**
   * Assigned agents that are impaired: they keep probing it (so their recovery is seen, and the monitor moves back
   * to them) but do not vote; why, for every verdict.
   */
  observers: { id: string; name: string; reason: string }[];
  /**
   * Vantages named in the assignment and revoked since: counted among the assigned (the quorum stays as set, and may
   * become unreachable — said in every verdict) but never voting. `at`: when, as an ISO instant.
   */
  revoked: { id: string; name: string; at: string }[];
  /** k of the candidates by rendezvous hashing over the healthy ones; null: all of them. */
  count: number | null;
  /** Vantages that must confirm `down` (majority already turned into a count). */
  quorum: number;
  /** As configured: a count, or null for a majority. */
  configuredQuorum: number | null;
  /** As configured: the vantages named (revoked ones included), or null for every platform vantage. */
  configuredVantageIds: string[] | null;
  /** Whether it comes from the tenant's default rather than the monitor itself. */
  inherited: boolean;
}

interface AssignmentRow {
  monitor_id: string;
  tenant_id: string;
  vantage_ids: string[] | null;
  quorum: number | null;
  vantage_count: number | null;
  inherited: boolean;
}

/** Impaired vantages by id, with why; and the central tier's impairment (null: it votes). */
export interface VantageImpairments {
  impaired: ReadonlyMap<string, string>;
  central: string | null;
}

export const NO_IMPAIRMENTS: VantageImpairments = { impaired: new Map(), central: null };

/** A revoked agent vantage, by id: its name and when it was revoked (ISO). */
export interface RevokedVantage {
  name: string;
  at: string;
}

/** Why a named vantage revoked since does not vote: one wording for the verdicts and the assignment's view. */
export function revokedReason(vantage: Pick<RevokedVantage, 'at'>): string {
  return `revoked ${vantage.at}: its token no longer works — name another vantage for this monitor, or lower its quorum`;
}

/** The rendezvous key of the central tier (one candidate, whichever replica owns the monitor). */
const CENTRAL_TIER = '*central';

interface VantageRow {
  id: string;
  tenant_id: string | null;
  name: string;
  central: boolean;
  impaired_reason?: string | null;
  impaired_by?: string[];
}

/** Why the vantage does not vote now, or null (a silent replica of a central vantage alone does not stop it voting). */
const votingImpairment = (v: VantageRow): string | null => (v.impaired_reason && stopsVoting(v.impaired_by ?? ['?']) ? v.impaired_reason : null);

/** The impaired agents, and whether the central tier is (as seen by the watchdog `centralName`, or every central one). */
export function impairmentsOf(live: VantageRow[], centralName?: string): VantageImpairments {
  const impaired = new Map(live.filter((v) => !v.central && votingImpairment(v)).map((v) => [v.id, votingImpairment(v)!]));
  const centrals = live.filter((v) => v.central && (centralName === undefined || v.name === centralName));
  const central = centrals.length > 0 && centrals.every((v) => votingImpairment(v)) ? centrals.map((v) => `${v.name}: ${votingImpairment(v)}`).join('; ') : null;
  return { impaired, central };
}

export function majority(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * Resolves an assignment against the live vantages and their health: who votes, who only observes (impaired), and
 * the quorum as a count. The quorum follows what was *assigned* (a count, or a majority of the assigned vantages),
 * never the healthy ones: an impaired vantage makes a quorum unreachable (the detector says so: suspect, or unknown when every healthy voter confirms down),
 * it never lowers it — one place's opinion must not decide where the operator asked for two. With k of N, an
 * impaired vantage's place goes to the next healthy one of the monitor's rendezvous ranking, so the quorum stays
 * reachable while enough platform vantages are healthy.
 */
export function resolveAssignment(
  row: { monitor_id: string; vantage_ids: string[] | null; quorum: number | null; vantage_count?: number | null; tenant_id: string; inherited: boolean },
  live: VantageRow[],
  health: VantageImpairments = NO_IMPAIRMENTS,
  gone: ReadonlyMap<string, RevokedVantage> = new Map(),
): ResolvedAssignment {
  const usable = live.filter((v) => v.tenant_id === null || v.tenant_id === row.tenant_id);
  const chosen = row.vantage_ids === null ? usable.filter((v) => v.tenant_id === null) : usable.filter((v) => row.vantage_ids!.includes(v.id));
  const centralCandidate = row.vantage_ids === null || chosen.some((v) => v.central);
  const agentsById = new Map(chosen.filter((v) => !v.central).map((v) => [v.id, v]));
  const candidates = [...(centralCandidate ? [CENTRAL_TIER] : []), ...agentsById.keys()];
  const why = (c: string): string | undefined => (c === CENTRAL_TIER ? (health.central ?? undefined) : health.impaired.get(c));
  const count = row.vantage_count ?? null;
  const k = count === null ? candidates.length : Math.min(count, candidates.length);
  const picked = count === null
    ? { chosen: candidates.filter((c) => !why(c)), displaced: candidates.filter((c) => why(c)) }
    : chooseK(row.monitor_id, candidates, k, (c) => !why(c));
  const agents = picked.chosen.filter((c) => c !== CENTRAL_TIER).map((id) => ({ id, name: agentsById.get(id)!.name }));
  const observers = picked.displaced.filter((c) => c !== CENTRAL_TIER).map((id) => ({ id, name: agentsById.get(id)!.name, reason: why(id)! }));
  const centralVotes = picked.chosen.includes(CENTRAL_TIER);
  const centralObserves = picked.displaced.includes(CENTRAL_TIER);
  // A named vantage revoked since still holds its place: with it gone, "2 of these 2" silently meant "1 of 1".
  const revoked = (row.vantage_ids ?? []).filter((id) => gone.has(id)).map((id) => ({ id, ...gone.get(id)! }));
  const assigned = Math.max((count === null ? k + revoked.length : Math.max(k, Math.min(count, k + revoked.length))), 1);
  // A configured quorum is kept even when fewer vantages are left than it asks (revoked, or fewer platform vantages):
  // the detector then says "quorum unreachable" instead of letting fewer places decide than the operator asked for.
  const quorum = row.quorum ?? majority(assigned);
  return {
    central: centralVotes || centralObserves,
    centralImpaired: centralObserves ? health.central : null,
    agents,
    observers,
    revoked,
    count,
    quorum: Math.max(1, quorum),
    configuredQuorum: row.quorum,
    configuredVantageIds: row.vantage_ids,
    inherited: row.inherited,
  };
}

/** Stores (or, null, removes) a monitor's own assignment: the API's and a fleet file's one way to write it. */
export async function writeMonitorAssignment(manager: EntityManager, tenantId: string, monitorId: string, input: AssignmentInputData | null): Promise<void> {
  if (input === null) {
    await manager.query('DELETE FROM monitor_vantages WHERE monitor_id = $1 AND tenant_id = $2', [monitorId, tenantId]);
    return;
  }
  await manager.query(
    `INSERT INTO monitor_vantages (monitor_id, tenant_id, vantage_ids, quorum, vantage_count, updated_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (monitor_id) DO UPDATE SET vantage_ids = excluded.vantage_ids, quorum = excluded.quorum, vantage_count = excluded.vantage_count, updated_at = now()`,
    [monitorId, tenantId, input.vantageIds ? [...new Set(input.vantageIds)] : null, input.quorum ?? null, input.count ?? null],
  );
}

/** Stores (null: removes) a tenant's default assignment, checked before (the API's setDefaults, fleet files). */
export async function writeTenantDefaults(manager: EntityManager, tenantId: string, input: AssignmentInputData | null): Promise<void> {
  if (input === null) {
    await manager.query('DELETE FROM tenant_vantage_defaults WHERE tenant_id = $1', [tenantId]);
    return;
  }
  await manager.query(
    `INSERT INTO tenant_vantage_defaults (tenant_id, vantage_ids, quorum, vantage_count, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (tenant_id) DO UPDATE SET vantage_ids = excluded.vantage_ids, quorum = excluded.quorum, vantage_count = excluded.vantage_count, updated_at = now()`,
    [tenantId, input.vantageIds ? [...new Set(input.vantageIds)] : null, input.quorum ?? null, input.count ?? null],
  );
}

/**
 * Per-monitor assignment to vantages and the quorum rule, with per-tenant defaults. A monitor with neither is probed
 * by the central watchdog alone, exactly as before vantages existed.
 */
@Injectable()
export class VantageAssignments {
  constructor(
    private readonly dataSource: DataSource,
    private readonly monitors: MonitorsService,
    private readonly vantages: VantagesService,
  ) {}

  /**
   * Checks an assignment for one tenant: every vantage usable by it (else NOT_FOUND), quorum ≤ voters. Public for
   * fleet files (VantageFleetPort): the same rules as setMonitorVantages.
   */
  async validate(principal: Principal, input: AssignmentInputData): Promise<void> {
    const ids = input.vantageIds ?? null;
    let voters: number;
    if (ids === null) {
      const rows: { n: number }[] = await this.dataSource.query("SELECT count(*)::int AS n FROM vantages WHERE tenant_id IS NULL AND revoked_at IS NULL AND NOT central");
      voters = 1 + (rows[0]?.n ?? 0);
    } else {
      if (!ids.length) throw VigiaException.invalid('input.vantageIds', 'name at least one vantage, or leave it out for every platform vantage');
      const found: Vantage[] = [];
      for (const [i, id] of ids.entries()) {
        const field = `input.vantageIds[${i}]`;
        const vantage = await this.vantages.visible(principal, id, field);
        if (vantage.revokedAt) throw VigiaException.invalid(field, `vantage ${vantage.name} was revoked on ${vantage.revokedAt.toISOString()}: name a vantage that is not revoked`);
        // Named twice would read as two voters where there is one.
        const first = found.findIndex((v) => v.id === vantage.id);
        if (first >= 0) throw VigiaException.invalid(field, `vantage ${vantage.name} is already named at input.vantageIds[${first}]: name each vantage once`);
        found.push(vantage);
      }
      // The central watchdogs vote as one; agents are distinct (one named twice is refused above).
      voters = (found.some((v) => v.central) ? 1 : 0) + found.filter((v) => !v.central).length;
    }
    const count = input.count ?? null;
    if (count !== null && (count < 1 || count > voters)) {
      throw VigiaException.invalid('input.count', `must be between 1 and the ${voters} vantage(s) it chooses from (or leave it out for all of them)`);
    }
    const quorum = input.quorum ?? null;
    if (quorum !== null && quorum < 1) throw VigiaException.invalid('input.quorum', 'must be at least 1 (or leave it out for a majority)');
    if (quorum !== null && quorum > (count ?? voters)) {
      const assigned = count !== null ? `the ${count} vantage(s) chosen for each monitor (its count)` : `the ${voters} vantage(s) assigned`;
      throw VigiaException.invalid('input.quorum', `${quorum} is more than ${assigned}: down could never be confirmed`);
    }
  }

  async setForMonitor(principal: Principal, monitorId: string, input: AssignmentInputData | null): Promise<void> {
    const monitor = await this.monitors.scope.get(principal, monitorId, 'monitorId');
    if (input !== null) await this.validate(principal, input);
    await writeMonitorAssignment(this.dataSource.manager, principal.tenantId, monitor.id, input);
    // The watchdogs reload a monitor when its row changes (their fingerprint reads monitors.updated_at too).
    await this.monitors.touch(monitor.id);
  }

  async setDefaults(principal: Principal, input: AssignmentInputData | null): Promise<void> {
    if (input !== null) await this.validate(principal, input);
    await writeTenantDefaults(this.dataSource.manager, principal.tenantId, input);
  }

  /**
   * The effective assignment of each of these monitors that has one (its own, else its tenant's default), against
   * the vantages' health now. `centralName`: the watchdog asking (the central tier is impaired when it is); omitted
   * (the API's view), the tier is impaired only when every central watchdog is.
   */
  async resolve(monitorIds: string[], centralName?: string): Promise<Map<string, ResolvedAssignment>> {
    const found = new Map<string, ResolvedAssignment>();
    if (!monitorIds.length) return found;
    const rows: AssignmentRow[] = await this.dataSource.query(
      `SELECT m.id AS monitor_id, m.tenant_id, coalesce(mv.vantage_ids, CASE WHEN mv.monitor_id IS NULL THEN d.vantage_ids END) AS vantage_ids,
              CASE WHEN mv.monitor_id IS NULL THEN d.quorum ELSE mv.quorum END AS quorum,
              CASE WHEN mv.monitor_id IS NULL THEN d.vantage_count ELSE mv.vantage_count END AS vantage_count, (mv.monitor_id IS NULL) AS inherited
         FROM inventory_monitor_catalog m LEFT JOIN monitor_vantages mv ON mv.monitor_id = m.id LEFT JOIN tenant_vantage_defaults d ON d.tenant_id = m.tenant_id
        WHERE m.id = ANY($1::uuid[]) AND (mv.monitor_id IS NOT NULL OR d.tenant_id IS NOT NULL)`,
      [monitorIds],
    );
    if (!rows.length) return found;
    const live = await this.liveVantages();
    const health = impairmentsOf(live, centralName);
    const gone = rows.some((r) => r.vantage_ids !== null) ? await this.revokedVantages() : undefined;
    for (const row of rows) found.set(row.monitor_id, resolveAssignment(row, live, health, gone));
    return found;
  }

  private liveVantages(): Promise<VantageRow[]> {
    return this.dataSource.query('SELECT id, tenant_id, name, central, impaired_reason, impaired_by FROM vantages WHERE revoked_at IS NULL');
  }

  private async revokedVantages(): Promise<Map<string, RevokedVantage>> {
    const rows: { id: string; name: string; revoked_at: Date }[] = await this.dataSource.query('SELECT id, name, revoked_at FROM vantages WHERE revoked_at IS NOT NULL AND NOT central');
    return new Map(rows.map((r) => [r.id, { name: r.name, at: r.revoked_at.toISOString() }]));
  }

  /** The tenant's default as set; null when it has none. */
  async defaultSetting(principal: Principal): Promise<AssignmentSetting | null> {
    const [row]: SettingRow[] = await this.dataSource.query('SELECT vantage_ids, quorum, vantage_count FROM tenant_vantage_defaults WHERE tenant_id = $1', [principal.tenantId]);
    return row ? settingFrom(row) : null;
  }

  async forMonitor(principal: Principal, monitorId: string): Promise<ResolvedAssignment | undefined> {
    const monitor = await this.monitors.scope.get(principal, monitorId, 'monitorId');
    return (await this.resolve([monitor.id])).get(monitor.id);
  }

  /** Changes whenever an assignment, a default or the set of live vantages changes: the watchdog reloads then. */
  async fingerprint(): Promise<string> {
    const [row]: { f: string | null }[] = await this.dataSource.query(
      `SELECT md5(coalesce((SELECT string_agg(monitor_id::text || updated_at::text, ',' ORDER BY monitor_id) FROM monitor_vantages), '')
               || '|' || coalesce((SELECT string_agg(tenant_id::text || updated_at::text, ',' ORDER BY tenant_id) FROM tenant_vantage_defaults), '')
               || '|' || coalesce((SELECT string_agg(id::text || name, ',' ORDER BY id) FROM vantages WHERE revoked_at IS NULL AND NOT central), '')
               || '|' || coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM vantages WHERE revoked_at IS NULL AND impaired_reason IS NOT NULL), '')) AS f`,
    );
    return row?.f ?? '';
  }

  /**
   * The monitors one agent's vantage probes: a platform vantage's (every tenant's monitors assigned to all platform
   * vantages or to it by name), a private vantage's (its own tenant's only, named) — of those, the ones it votes on or
   * observes (k of N by rendezvous: only the monitors whose choice includes it, or that it was displaced from).
   */
  async monitorsOf(vantage: Pick<Vantage, 'id' | 'tenantId'>): Promise<string[]> {
    const rows: AssignmentRow[] = await this.dataSource.query(
      `SELECT m.id AS monitor_id, m.tenant_id, coalesce(mv.vantage_ids, CASE WHEN mv.monitor_id IS NULL THEN d.vantage_ids END) AS vantage_ids,
              CASE WHEN mv.monitor_id IS NULL THEN d.quorum ELSE mv.quorum END AS quorum,
              CASE WHEN mv.monitor_id IS NULL THEN d.vantage_count ELSE mv.vantage_count END AS vantage_count, (mv.monitor_id IS NULL) AS inherited
         FROM inventory_monitor_catalog m JOIN inventory_host_catalog h ON h.id = m.host_id
         LEFT JOIN monitor_vantages mv ON mv.monitor_id = m.id LEFT JOIN tenant_vantage_defaults d ON d.tenant_id = m.tenant_id
        WHERE m.enabled AND m.deleted_at IS NULL AND h.deleted_at IS NULL AND ($2::uuid IS NULL OR m.tenant_id = $2::uuid)
          AND CASE WHEN mv.monitor_id IS NOT NULL THEN (mv.vantage_ids IS NULL AND $2::uuid IS NULL) OR $1::uuid = ANY(mv.vantage_ids)
                   WHEN d.tenant_id IS NOT NULL THEN (d.vantage_ids IS NULL AND $2::uuid IS NULL) OR $1::uuid = ANY(d.vantage_ids)
                   ELSE false END
        ORDER BY m.id`,
      [assertUuid(vantage.id, 'id'), vantage.tenantId],
    );
    if (!rows.some((r) => r.vantage_count !== null)) return rows.map((r) => r.monitor_id);
    const live = await this.liveVantages();
    const health = impairmentsOf(live);
    return rows
      .filter((r) => {
        if (r.vantage_count === null) return true;
        const resolved = resolveAssignment(r, live, health);
        return resolved.agents.some((a) => a.id === vantage.id) || resolved.observers.some((a) => a.id === vantage.id);
      })
      .map((r) => r.monitor_id);
  }
}
