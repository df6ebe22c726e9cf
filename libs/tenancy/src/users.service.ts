import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository, type EntityManager } from 'typeorm';
import { assertUuid, CLOCK, type Clock, type Connection, PageArgs, paginate, VigiaException, withDatabaseErrors } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import type { Principal } from './auth/principal.js';
import { PasswordHasher } from './auth/password.hasher.js';
import { hashSecret } from './auth/secrets.js';
import { Role, roleAtLeast } from './entities/role.js';
import { Session } from './entities/session.entity.js';
import { Tenant } from './entities/tenant.entity.js';
import { User } from './entities/user.entity.js';
import { parseLogo } from './branding.js';
import type { ChangePasswordInput, CreateUserInput, UpdateTenantBrandingInput, UpdateTenantInput, UpdateUserInput } from './graphql/tenancy.dto.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    private readonly hasher: PasswordHasher,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async tenantOf(principal: Principal): Promise<Tenant> {
    return this.tenants.findOneOrFail({ where: { id: principal.tenantId } });
  }

  async updateTenant(principal: Principal, input: UpdateTenantInput): Promise<Tenant> {
    const tenant = await this.tenantOf(principal);
    if (input.timeZone !== undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: input.timeZone });
      } catch {
        throw VigiaException.invalid('input.timeZone', `${JSON.stringify(input.timeZone)} is not an IANA time zone (e.g. Europe/Madrid)`);
      }
      tenant.timeZone = input.timeZone;
    }
    if (input.name !== undefined) tenant.name = input.name.trim();
    if (input.customerNotices !== undefined) tenant.customerNotices = input.customerNotices;
    if (input.defaultLanguage !== undefined) tenant.defaultLanguage = input.defaultLanguage;
    if (input.monthlyReports !== undefined && input.monthlyReports !== tenant.monthlyReports) {
      // The moment of opting in bounds what is sent: never a month that had already ended (the 8-minute surprise).
      tenant.monthlyReports = input.monthlyReports;
      tenant.monthlyReportsSince = input.monthlyReports ? this.clock.now() : null;
    }
    return this.tenants.save(tenant);
  }

  /** Logo and colour; everything is validated before anything is written, so a bad field saves nothing. */
  async updateBranding(principal: Principal, input: UpdateTenantBrandingInput): Promise<Tenant> {
    const logo = input.logo === undefined || input.logo === null ? input.logo : parseLogo(input.logo);
    const patch: Partial<Tenant> = {};
    if (logo !== undefined) patch.logo = logo;
    if (input.primaryColor !== undefined) patch.primaryColor = input.primaryColor === null ? null : input.primaryColor.toLowerCase();
    if (Object.keys(patch).length) await this.tenants.update({ id: principal.tenantId }, patch);
    return this.tenantOf(principal);
  }

  async logoOf(tenantId: string): Promise<string | null> {
    const row = await this.tenants.createQueryBuilder('t').select('t.id').addSelect('t.logo').where('t.id = :id', { id: tenantId }).getOne();
    return row?.logo ?? null;
  }

  async get(principal: Principal, id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id: assertUuid(id, 'id'), tenantId: principal.tenantId } });
    if (!user) throw VigiaException.notFound('user');
    return user;
  }

  list(principal: Principal, page: PageArgs): Promise<Connection<User>> {
    const query = this.users.createQueryBuilder('u').where('u.tenant_id = :tenantId', { tenantId: principal.tenantId });
    return paginate(query, page, 'email');
  }

  async create(principal: Principal, input: CreateUserInput): Promise<User> {
    this.assertMayGrant(principal, input.role, 'input.role');
    const passwordHash = await this.hasher.hash(input.password);
    return withDatabaseErrors(() =>
      this.users.save(
        this.users.create({
          tenantId: principal.tenantId,
          email: input.email.trim().toLowerCase(),
          displayName: input.displayName.trim(),
          role: input.role,
          passwordHash,
          disabledAt: null,
        }),
      ),
    );
  }

  async update(principal: Principal, id: string, input: UpdateUserInput): Promise<User> {
    return this.tx.run(async (manager) => {
      const user = await this.lockedUser(manager, principal, id);
      this.assertMayManage(principal, user);
      if (input.role) this.assertMayGrant(principal, input.role, 'input.role');
      const losesOwner = user.role === Role.owner && ((input.role && input.role !== Role.owner) || input.disabled === true);
      if (losesOwner) await this.assertAnotherOwner(manager, user);
      if (input.displayName !== undefined) user.displayName = input.displayName.trim();
      if (input.role) user.role = input.role;
      if (input.disabled !== undefined) user.disabledAt = input.disabled ? this.clock.now() : null;
      if (input.disabled) await manager.update(Session, { userId: user.id, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
      return manager.save(user);
    });
  }

  async delete(principal: Principal, id: string): Promise<boolean> {
    return this.tx.run(async (manager) => {
      const user = await this.lockedUser(manager, principal, id);
      this.assertMayManage(principal, user);
      if (user.role === Role.owner) await this.assertAnotherOwner(manager, user);
      await manager.delete(User, { id: user.id });
      return true;
    });
  }

  /**
   * A new password ends the user's other sessions: whoever else held one (perhaps the reason for the change) is out.
   * The caller's own session stays. Returns how many sessions were ended.
   */
  async changePassword(principal: Principal, input: ChangePasswordInput, currentBearer: string): Promise<number> {
    if (!principal.userId) throw new VigiaException('FORBIDDEN', 'an API token has no password');
    const user = await this.get(principal, principal.userId);
    if (!(await this.hasher.verify(user.passwordHash, input.currentPassword))) {
      throw VigiaException.invalid('input.currentPassword', 'is not your current password');
    }
    const passwordHash = await this.hasher.hash(input.newPassword);
    return this.tx.run(async (manager) => {
      await manager.update(User, { id: user.id }, { passwordHash });
      const ended = await manager.update(
        Session,
        { userId: user.id, revokedAt: IsNull(), tokenHash: Not(hashSecret(currentBearer)) },
        { revokedAt: this.clock.now() },
      );
      return ended.affected ?? 0;
    });
  }

  private async lockedUser(manager: EntityManager, principal: Principal, id: string): Promise<User> {
    const user = await manager.findOne(User, {
      where: { id: assertUuid(id, 'id'), tenantId: principal.tenantId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!user) throw VigiaException.notFound('user');
    return user;
  }

  private assertMayGrant(principal: Principal, role: Role, field: string): void {
    if (!roleAtLeast(principal.role, role)) {
      throw new VigiaException('FORBIDDEN', `${field}: you cannot grant a role above your own`, field);
    }
  }

  private assertMayManage(principal: Principal, user: User): void {
    if (user.role === Role.owner && principal.role !== Role.owner) {
      throw new VigiaException('FORBIDDEN', 'only an owner can change an owner');
    }
  }

  /** Locks the tenant's owners so two admins cannot each remove "the other" last owner at once. */
  private async assertAnotherOwner(manager: EntityManager, user: User): Promise<void> {
    const owners = await manager.find(User, {
      where: { tenantId: user.tenantId, role: Role.owner, disabledAt: IsNull(), id: Not(user.id) },
      lock: { mode: 'pessimistic_write' },
    });
    if (owners.length === 0) throw new VigiaException('CONFLICT', 'a tenant keeps at least one active owner');
  }
}
