import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, IsNull, MoreThan, Repository } from 'typeorm';
import { CLOCK, type Clock, VigiaException } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { Session } from '../entities/session.entity.js';
import { minRole, type Role } from '../entities/role.js';
import { Tenant } from '../entities/tenant.entity.js';
import { User } from '../entities/user.entity.js';
import { LoginThrottle, TOO_MANY } from './login-throttle.service.js';
import { PasswordHasher } from './password.hasher.js';
import type { Principal } from './principal.js';
import { hashSecret, newSecret } from './secrets.js';

/** One message for every authentication failure: it must not say whether the tenant, the email or the secret was wrong. */
const BAD_CREDENTIALS = 'invalid credentials';

/** An address a user logged in from within this many days is "known" for that user. */
const KNOWN_ADDRESS_DAYS = 90;

export interface LoginOutcome {
  token: string;
  expiresAt: Date;
  user: User;
  tenant: Tenant;
}

interface TokenRow {
  id: string;
  tenant_id: string;
  token_role: Role;
  creator_role: Role;
  creator_id: string;
  last_used_at: Date | null;
}

@Injectable()
export class AuthService {
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Budgets, reserved before argon2 runs (so parallel guesses cannot all be evaluated):
   * - the address: unauthenticated failures from it (skipped for an address this user logged in from before);
   * - the account: failures against it from unknown addresses share one budget, and each address the user is
   *   known at has its own. A stranger who exhausts the shared budget of a known e-mail does not lock its owner
   *   out of the places the owner logs in from.
   */
  async login(tenantSlug: string, email: string, password: string, clientIp: string): Promise<LoginOutcome> {
    const slug = tenantSlug.trim().toLowerCase();
    const normalizedEmail = email.trim().toLowerCase();
    const tenant = await this.tenants.findOne({ where: { slug } });
    const user = tenant ? await this.users.findOne({ where: { tenantId: tenant.id, email: normalizedEmail } }) : null;
    const known = user ? await this.isKnownAddress(user.id, clientIp) : false;
    const accountKey = `login:${slug}:${normalizedEmail}${known ? `@${clientIp}` : ''}`;
    const reserved = known ? [accountKey] : [`ip:${clientIp}`, accountKey];
    if (!known) await this.throttle.reserveWithin(`ip:${clientIp}`, this.throttle.addressLimit);
    await this.throttle.reserveWithin(accountKey, this.throttle.accountLimit);
    // Verify against a real hash even when there is no such user, so the answer takes as long either way.
    const ok = await this.hasher.verify(user?.passwordHash ?? (await this.fakeHash()), password);
    if (!tenant || !user || !ok || user.disabledAt) {
      await this.throttle.trim();
      throw new VigiaException('UNAUTHENTICATED', BAD_CREDENTIALS);
    }
    await this.throttle.release(reserved);
    const secret = newSecret('vgs');
    const expiresAt = new Date(this.clock.now().getTime() + this.config.sessionTtlMs);
    await this.sessions.insert({ userId: user.id, tenantId: tenant.id, tokenHash: secret.hash, expiresAt, revokedAt: null, clientAddress: clientIp });
    return { token: secret.token, expiresAt, user, tenant };
  }

  async logout(principal: Principal, bearer: string): Promise<void> {
    if (principal.kind !== 'session') return;
    await this.sessions.update({ tokenHash: hashSecret(bearer), revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  /**
   * Resolves a bearer token to its principal, or throws UNAUTHENTICATED. A valid token is never refused for the
   * address it comes from; only bad tokens count against the address's budget of failures.
   */
  async authenticate(bearer: string, clientIp: string): Promise<Principal> {
    const principal = await this.resolve(bearer, true);
    if (principal) return principal;
    if ((await this.throttle.reserve(`ip:${clientIp}`)) > this.throttle.addressLimit) throw TOO_MANY();
    throw new VigiaException('UNAUTHENTICATED', BAD_CREDENTIALS);
  }

  /** The principal a bearer token stands for right now (role as of now), or undefined when it no longer works. */
  resolve(bearer: string, touch = false): Promise<Principal | undefined> {
    return bearer.startsWith('vgt_') ? this.fromApiToken(bearer, touch) : this.fromSession(bearer);
  }

  private async isKnownAddress(userId: string, clientIp: string): Promise<boolean> {
    const since = new Date(this.clock.now().getTime() - KNOWN_ADDRESS_DAYS * 86_400_000);
    return this.sessions.exists({ where: { userId, clientAddress: clientIp, createdAt: MoreThan(since) } });
  }

  private async fromSession(bearer: string): Promise<Principal | undefined> {
    const session = await this.sessions.findOne({ where: { tokenHash: hashSecret(bearer) }, relations: { user: true } });
    const now = this.clock.now();
    if (!session?.user || session.revokedAt || session.expiresAt <= now || session.user.disabledAt) return undefined;
    return { tenantId: session.tenantId, userId: session.userId, role: session.user.role, kind: 'session' };
  }

  /** A token works only while its creator does: disabled or deleted creator, dead token; demoted creator, demoted token. */
  private async fromApiToken(bearer: string, touch: boolean): Promise<Principal | undefined> {
    const now = this.clock.now();
    const [token]: TokenRow[] = await this.dataSource.query(
      `SELECT t.id, t.tenant_id, t.role AS token_role, u.role AS creator_role, u.id AS creator_id, t.last_used_at
         FROM api_tokens t JOIN users u ON u.id = t.created_by AND u.tenant_id = t.tenant_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`,
      [hashSecret(bearer), now],
    );
    if (!token) return undefined;
    // Recording every use would write on every request; once a minute is enough to see which tokens are alive.
    if (touch && (!token.last_used_at || now.getTime() - new Date(token.last_used_at).getTime() > 60_000)) {
      await this.dataSource.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [token.id, now]);
    }
    return {
      tenantId: token.tenant_id,
      tokenId: token.id,
      creatorId: token.creator_id,
      role: minRole(token.token_role, token.creator_role),
      kind: 'token',
    };
  }

  private fakeHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(24).toString('base64url'));
    return this.dummyHash;
  }
}
