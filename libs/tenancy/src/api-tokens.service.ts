import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { assertUuid, CLOCK, type Clock, type Connection, PageArgs, paginate, VigiaException } from '#lib/common';
import type { Principal } from './auth/principal.js';
import { newSecret } from './auth/secrets.js';
import { ApiToken } from './entities/api-token.entity.js';
import { roleAtLeast } from './entities/role.js';
import type { CreateApiTokenInput } from './graphql/tenancy.dto.js';

@Injectable()
export class ApiTokensService {
  constructor(
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  list(principal: Principal, page: PageArgs): Promise<Connection<ApiToken>> {
    const query = this.tokens.createQueryBuilder('t').where('t.tenant_id = :tenantId', { tenantId: principal.tenantId });
    return paginate(query, page, 'name');
  }

  async create(principal: Principal, input: CreateApiTokenInput): Promise<{ token: string; apiToken: ApiToken }> {
    if (!roleAtLeast(principal.role, input.role)) {
      throw new VigiaException('FORBIDDEN', 'input.role: a token cannot have a role above yours', 'input.role');
    }
    const secret = newSecret('vgt');
    const expiresAt = input.expiresInDays ? new Date(this.clock.now().getTime() + input.expiresInDays * 86_400_000) : null;
    const apiToken = await this.tokens.save(
      this.tokens.create({
        tenantId: principal.tenantId,
        name: input.name.trim(),
        role: input.role,
        tokenHash: secret.hash,
        prefix: secret.prefix,
        // A token made by a token belongs to the same person: it lives and dies with that user.
        createdBy: principal.userId ?? principal.creatorId ?? null,
        expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      }),
    );
    return { token: secret.token, apiToken };
  }

  async revoke(principal: Principal, id: string): Promise<ApiToken> {
    const token = await this.tokens.findOne({ where: { id: assertUuid(id, 'id'), tenantId: principal.tenantId } });
    if (!token) throw VigiaException.notFound('API token');
    // Nobody acts on a credential of a role above their own (an admin cannot cut off an owner's automation).
    if (!roleAtLeast(principal.role, token.role)) {
      throw new VigiaException('FORBIDDEN', `only an ${token.role} or higher can revoke a token with the ${token.role} role`, 'id');
    }
    token.revokedAt ??= this.clock.now();
    return this.tokens.save(token);
  }
}
