import { Injectable } from '@nestjs/common';
import { VigiaException, withDatabaseErrors } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import { PasswordHasher } from './auth/password.hasher.js';
import { Role } from './entities/role.js';
import { Tenant } from './entities/tenant.entity.js';
import { User } from './entities/user.entity.js';
import { TENANT_SLUG } from './graphql/tenancy.dto.js';

export interface NewTenant {
  slug: string;
  name: string;
  ownerEmail: string;
  ownerPassword: string;
}

/** Creates a tenant with its first owner, both or neither. Used by first-run bootstrap, the CLI and tests. */
@Injectable()
export class TenantBootstrapService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly hasher: PasswordHasher,
  ) {}

  async createTenantWithOwner(input: NewTenant): Promise<{ tenant: Tenant; owner: User }> {
    const slug = input.slug.trim().toLowerCase();
    if (!TENANT_SLUG.test(slug)) throw VigiaException.invalid('slug', 'must be 2-63 lowercase letters, digits or dashes');
    if (input.ownerPassword.length < 12) throw VigiaException.invalid('ownerPassword', 'must be at least 12 characters');
    const passwordHash = await this.hasher.hash(input.ownerPassword);
    return withDatabaseErrors(() =>
      this.tx.run(async (manager) => {
        const tenant = await manager.save(manager.create(Tenant, { slug, name: input.name.trim() || slug }));
        const owner = await manager.save(
          manager.create(User, {
            tenantId: tenant.id,
            email: input.ownerEmail.trim().toLowerCase(),
            displayName: 'Owner',
            role: Role.owner,
            passwordHash,
            disabledAt: null,
          }),
        );
        return { tenant, owner };
      }),
    );
  }

  async tenantExists(slug: string): Promise<boolean> {
    return this.tx.run(async (manager) => (await manager.count(Tenant, { where: { slug } })) > 0);
  }

  async tenantCount(): Promise<number> {
    return this.tx.run((manager) => manager.count(Tenant));
  }
}
