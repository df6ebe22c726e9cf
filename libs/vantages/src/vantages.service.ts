import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { assertUuid, CLOCK, type Clock, VigiaException, withDatabaseErrors } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import type { SqlRunner } from '#lib/persistence';
import { type Principal, Role, roleAtLeast, TenantFacts } from '#lib/tenancy';
import { Vantage, VantageKind } from './entities/vantage.entity.js';

export interface NewVantage {
  name: string;
  kind: VantageKind;
  region?: string | null;
}

/** What a vantage reports about itself (an agent's heartbeat, a watchdog's beat). */
export interface VantageHealth {
  clockOffsetMs?: number | null;
  probesPerSecond?: number | null;
  failingShare?: number | null;
  skippedShare?: number | null;
  droppedResults?: number;
}

/** Vantage tokens are 256 random bits (`vgv_…`): a SHA-256 is enough to store them and makes the lookup one equality. */
export function hashVantageToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newVantageToken(): { token: string; hash: string; prefix: string } {
  const token = `vgv_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashVantageToken(token), prefix: token.slice(0, 10) };
}

/**
 * Vantages: create (token shown once, stored hashed), list with health, revoke (connections closed at once: the
 * `revoked` event, and every API process re-checks its connections every second), central watchdogs' registration.
 */
@Injectable()
export class VantagesService {
  /** Emits `revoked` with the vantage id, in the process that revoked it. */
  readonly events = new EventEmitter();

  constructor(
    @InjectRepository(Vantage) private readonly vantages: Repository<Vantage>,
    private readonly dataSource: DataSource,
    private readonly config: VigiaConfig,
    private readonly tenants: TenantFacts,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The platform vantages and the caller's own private ones (revoked ones too, marked so). A platform vantage's token
   * prefix is shown to platform admins only: other tenants see its name and health, nothing of its credential.
   */
  async list(principal: Principal): Promise<Vantage[]> {
    const rows = await this.vantages
      .createQueryBuilder('v')
      .where('(v.tenant_id IS NULL AND (v.revoked_at IS NULL OR NOT v.central)) OR v.tenant_id = :tenantId', { tenantId: principal.tenantId })
      .orderBy('v.kind').addOrderBy('v.name').addOrderBy('v.created_at')
      .getMany();
    if (await this.isPlatformAdmin(principal)) return rows;
    return rows.map((v) => (v.tenantId === null ? Object.assign(v, { tokenPrefix: null }) : v));
  }

  /** A vantage the caller may see and use (platform, or its own private one); another tenant's is NOT_FOUND. */
  async visible(principal: Principal, id: string, field = 'id'): Promise<Vantage> {
    const vantage = await this.vantages.findOne({ where: { id: assertUuid(id, field) } });
    if (!vantage || (vantage.tenantId !== null && vantage.tenantId !== principal.tenantId)) throw VigiaException.notFound('vantage', field);
    return vantage;
  }

  async isPlatformAdmin(principal: Principal): Promise<boolean> {
    if (!this.config.platformTenant || !roleAtLeast(principal.role, Role.admin)) return false;
    return (await this.tenants.slugs([principal.tenantId])).get(principal.tenantId) === this.config.platformTenant;
  }

  async create(principal: Principal, input: NewVantage): Promise<{ token: string; vantage: Vantage }> {
    const name = input.name.trim();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw VigiaException.invalid('input.name', 'must be 1-64 letters, digits, dots, dashes or underscores');
    const platform = input.kind === VantageKind.platform;
    if (platform && !(await this.isPlatformAdmin(principal))) {
      throw new VigiaException('FORBIDDEN', 'input.kind: only an admin of the platform tenant (VIGIA_PLATFORM_TENANT) may create platform vantages', 'input.kind');
    }
    // A vantage votes under its name: a private name equal to a platform one would make two voters one.
    // A revoked vantage keeps its name: verdicts, history, reports and its incidents say it, and a new vantage under
    // it would be read as the old one. Replacing a leaked token keeps the vantage: rotateVantageToken.
    const [clash]: { revoked_at: Date | null }[] = await this.dataSource.query(
      `SELECT revoked_at FROM vantages WHERE lower(name) = lower($1) AND (tenant_id IS NULL OR ${platform ? 'true' : 'tenant_id = $2'}) ORDER BY revoked_at NULLS FIRST LIMIT 1`,
      platform ? [name] : [name, principal.tenantId],
    );
    if (clash?.revoked_at) {
      throw new VigiaException('DUPLICATE', `input.name: a vantage revoked on ${clash.revoked_at.toISOString()} has this name, and names are not reused (its history keeps it); choose another name — to replace a leaked token, rotate it (rotateVantageToken) instead of revoking`, 'input.name');
    }
    if (clash) throw new VigiaException('DUPLICATE', 'input.name: already in use by another vantage', 'input.name');
    const secret = newVantageToken();
    const vantage = await withDatabaseErrors(() =>
      this.dataSource.transaction(async (manager) => {
        if (!platform) await this.withinPrivateLimit(manager, principal.tenantId);
        const vantages = manager.getRepository(Vantage);
        return vantages.save(vantages.create({
          tenantId: platform ? null : principal.tenantId,
          name,
          kind: input.kind,
          region: input.region?.trim() || null,
          central: false,
          tokenHash: secret.hash,
          tokenPrefix: secret.prefix,
          revokedAt: null,
        }));
      }),
    ).catch((error: unknown) => {
      if (error instanceof VigiaException && error.code === 'DUPLICATE') throw new VigiaException('DUPLICATE', 'input.name: already in use by another vantage', 'input.name');
      throw error;
    });
    return { token: secret.token, vantage };
  }

  /**
   * A tenant's live private vantages stay within VIGIA_MAX_PRIVATE_VANTAGES: counted under a lock per tenant, so two
   * creations at once cannot both take the last place.
   */
  private async withinPrivateLimit(manager: EntityManager, tenantId: string): Promise<void> {
    await manager.query("SELECT pg_advisory_xact_lock(hashtext('vigia:private-vantages:' || $1))", [tenantId]);
    const [{ n }]: { n: number }[] = await manager.query('SELECT count(*)::int AS n FROM vantages WHERE tenant_id = $1 AND revoked_at IS NULL', [tenantId]);
    if (n >= this.config.maxPrivateVantages) {
      throw new VigiaException('CONFLICT', `input.kind: this company already has ${n} private vantages, the most it may hold (VIGIA_MAX_PRIVATE_VANTAGES = ${this.config.maxPrivateVantages}); revoke one it no longer runs, or ask the platform's operators to raise the limit`, 'input.kind');
    }
  }

  async revoke(principal: Principal, id: string): Promise<Vantage> {
    const vantage = await this.agentVantage(principal, id, 'revoke');
    if (!vantage.revokedAt) {
      vantage.revokedAt = this.clock.now();
      await this.vantages.update({ id: vantage.id }, { revokedAt: vantage.revokedAt, agentSession: null, agentSessionUntil: null });
    }
    this.events.emit('revoked', vantage.id);
    return vantage;
  }

  /**
   * A new token for the vantage, shown once; the old one is refused from this instant and its agent's connection
   * closed (here at once, on other API processes at their next sweep). The vantage, its name, its assignments and its
   * history stay: a leaked token is replaced without re-assigning a single monitor.
   */
  async rotate(principal: Principal, id: string): Promise<{ token: string; vantage: Vantage }> {
    const vantage = await this.agentVantage(principal, id, 'rotate the token of');
    if (vantage.revokedAt) throw new VigiaException('CONFLICT', `id: vantage ${vantage.name} was revoked on ${vantage.revokedAt.toISOString()}; create a new vantage instead`, 'id');
    const secret = newVantageToken();
    await this.vantages.update({ id: vantage.id }, { tokenHash: secret.hash, tokenPrefix: secret.prefix, agentSession: null, agentSessionUntil: null });
    Object.assign(vantage, { tokenHash: secret.hash, tokenPrefix: secret.prefix, agentSession: null, agentSessionUntil: null });
    this.events.emit('revoked', vantage.id, 'token rotated');
    return { token: secret.token, vantage };
  }

  /** A vantage this principal may revoke or re-key: an agent's (not a central watchdog's), a platform one by the platform's admins only. */
  private async agentVantage(principal: Principal, id: string, doing: string): Promise<Vantage> {
    const vantage = await this.visible(principal, id);
    if (vantage.tenantId === null && !(await this.isPlatformAdmin(principal))) {
      throw new VigiaException('FORBIDDEN', `id: only an admin of the platform tenant may ${doing} a platform vantage`, 'id');
    }
    if (vantage.central) throw new VigiaException('CONFLICT', `id: a central watchdog has no token to ${doing.split(' ')[0]}; stop the watchdog process instead`, 'id');
    return vantage;
  }

  /** The live vantage of an agent's token; undefined for an unknown or revoked one. */
  async authenticate(token: string): Promise<Vantage | undefined> {
    if (!/^vgv_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const vantage = await this.vantages.findOne({ where: { tokenHash: hashVantageToken(token) } });
    return vantage && !vantage.revokedAt ? vantage : undefined;
  }

  /** Of these vantage ids, the ones still live (not revoked), with the hash of their current token (rotated: another). */
  async stillLive(ids: string[]): Promise<Map<string, string | null>> {
    if (!ids.length) return new Map();
    const rows: { id: string; token_hash: string | null }[] = await this.dataSource.query('SELECT id, token_hash FROM vantages WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL', [ids]);
    return new Map(rows.map((r) => [r.id, r.token_hash]));
  }

  /**
   * One agent connection per vantage, across API replicas: a lease in the row. Taken when free or expired (an agent
   * that vanished without closing its socket loses it after the lease), renewed by the holder's heartbeats.
   */
  /**
   * Takes or renews the vantage's one agent connection, for a connection made with the token whose hash is given: a
   * connection made with a token rotated since never takes the lease again (not even for the instant before its
   * sweep closes it), so the agent with the new token is not refused.
   */
  async claimSession(id: string, session: string, leaseMs: number, tokenHash: string | null): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `UPDATE vantages SET agent_session = $2, agent_session_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND revoked_at IS NULL AND token_hash IS NOT DISTINCT FROM $4
          AND (agent_session IS NULL OR agent_session = $2 OR agent_session_until < now()) RETURNING id`,
      [id, session, leaseMs, tokenHash],
    );
    return rows.length > 0;
  }

  async releaseSession(id: string, session: string): Promise<void> {
    await this.dataSource.query('UPDATE vantages SET agent_session = NULL, agent_session_until = NULL WHERE id = $1 AND agent_session = $2', [id, session]);
  }

  /** `via`: the connection to write on (an agents' gateway writes beats on one of its own, never waiting for the pool). */
  async reportHealth(id: string, health: VantageHealth, via: SqlRunner = this.dataSource): Promise<void> {
    await via.query(
      `UPDATE vantages SET last_heartbeat_at = now(), clock_offset_ms = coalesce($2, clock_offset_ms), probes_per_second = coalesce($3, probes_per_second),
              failing_share = coalesce($4, failing_share), dropped_results = coalesce($5, dropped_results), skipped_share = $6 WHERE id = $1`,
      [id, health.clockOffsetMs ?? null, health.probesPerSecond ?? null, health.failingShare ?? null, health.droppedResults ?? null, health.skippedShare ?? null],
    );
  }

  async countRefused(id: string, count: number, why: string): Promise<void> {
    await this.dataSource.query('UPDATE vantages SET refused_results = refused_results + $2, last_refusal = $3 WHERE id = $1', [id, count, why.slice(0, 500)]);
  }

  /** A central watchdog registers itself as a platform vantage under its VIGIA_VANTAGE name (once per name). */
  async registerCentral(name: string): Promise<string> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO vantages (tenant_id, name, kind, central, last_heartbeat_at) VALUES (NULL, $1, 'platform', true, now())
       ON CONFLICT (name) WHERE tenant_id IS NULL AND revoked_at IS NULL DO UPDATE SET last_heartbeat_at = now(), central = true
       RETURNING id`,
      [name],
    );
    return rows[0]!.id;
  }
}
