import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { CLOCK, type Clock, VigiaException } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { ApiToken } from '../entities/api-token.entity.js';
import { Session } from '../entities/session.entity.js';
import { Tenant } from '../entities/tenant.entity.js';
import { User } from '../entities/user.entity.js';
import { LoginThrottle } from './login-throttle.service.js';
import { PasswordHasher } from './password.hasher.js';
import type { Principal } from './principal.js';
import { hashSecret, newSecret } from './secrets.js';

/** One message for every authentication failure: it must not say whether the tenant, the email or the secret was wrong. */
const BAD_CREDENTIALS = 'invalid credentials';

export interface LoginOutcome {
  token: string;
  expiresAt: Date;
  user: User;
  tenant: Tenant;
}

@Injectable()
export class AuthService {
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async login(tenantSlug: string, email: string, password: string, clientIp: string): Promise<LoginOutcome> {
    const normalizedEmail = email.trim().toLowerCase();
    const keys = [`login:${tenantSlug.toLowerCase()}:${normalizedEmail}`, `ip:${clientIp}`];
    await this.throttle.assertAllowed(keys);
    const tenant = await this.tenants.findOne({ where: { slug: tenantSlug.toLowerCase() } });
    const user = tenant ? await this.users.findOne({ where: { tenantId: tenant.id, email: normalizedEmail } }) : null;
    // Verify against a real hash even when there is no such user, so the answer takes as long either way.
    const ok = await this.hasher.verify(user?.passwordHash ?? (await this.fakeHash()), password);
    if (!tenant || !user || !ok || user.disabledAt) {
      await this.throttle.recordFailure(keys);
      throw new VigiaException('UNAUTHENTICATED', BAD_CREDENTIALS);
    }
    const secret = newSecret('vgs');
    const expiresAt = new Date(this.clock.now().getTime() + this.config.sessionTtlMs);
    await this.sessions.insert({ userId: user.id, tenantId: tenant.id, tokenHash: secret.hash, expiresAt, revokedAt: null });
    return { token: secret.token, expiresAt, user, tenant };
  }

  async logout(principal: Principal, bearer: string): Promise<void> {
    if (principal.kind !== 'session') return;
    await this.sessions.update({ tokenHash: hashSecret(bearer), revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  /** Resolves a bearer token to its principal, or throws UNAUTHENTICATED (rate-limited per address). */
  async authenticate(bearer: string, clientIp: string): Promise<Principal> {
    const ipKey = [`ip:${clientIp}`];
    await this.throttle.assertAllowed(ipKey);
    const principal = bearer.startsWith('vgt_') ? await this.fromApiToken(bearer) : await this.fromSession(bearer);
    if (!principal) {
      await this.throttle.recordFailure(ipKey);
      throw new VigiaException('UNAUTHENTICATED', BAD_CREDENTIALS);
    }
    return principal;
  }

  private async fromSession(bearer: string): Promise<Principal | undefined> {
    const session = await this.sessions.findOne({ where: { tokenHash: hashSecret(bearer) }, relations: { user: true } });
    const now = this.clock.now();
    if (!session?.user || session.revokedAt || session.expiresAt <= now || session.user.disabledAt) return undefined;
    return { tenantId: session.tenantId, userId: session.userId, role: session.user.role, kind: 'session' };
  }

  private async fromApiToken(bearer: string): Promise<Principal | undefined> {
    const token = await this.tokens.findOne({ where: { tokenHash: hashSecret(bearer) } });
    const now = this.clock.now();
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return undefined;
    // Recording every use would write on every request; once a minute is enough to see which tokens are alive.
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
      await this.tokens.update({ id: token.id }, { lastUsedAt: now });
    }
    return { tenantId: token.tenantId, tokenId: token.id, role: token.role, kind: 'token' };
  }

  private fakeHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(24).toString('base64url'));
    return this.dummyHash;
  }
}
