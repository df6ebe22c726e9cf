import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from './auth/principal.js';
import { ApiToken } from './entities/api-token.entity.js';
import { User } from './entities/user.entity.js';

/**
 * The name a person's or a token's act is recorded under (timelines, runs, runbook versions): the user's e-mail or
 * the API token's name. Tenancy owns those tables; other libraries ask here instead of reading them.
 */
@Injectable()
export class ActorNames {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
  ) {}

  async of(principal: Principal): Promise<string> {
    if (principal.userId) return (await this.users.findOne({ where: { id: principal.userId }, select: { email: true } }))?.email ?? 'unknown';
    if (principal.tokenId) return (await this.tokens.findOne({ where: { id: principal.tokenId }, select: { name: true } }))?.name ?? 'unknown';
    return 'unknown';
  }

  /** The e-mail of a tenant's user who may still act (not disabled); undefined for anyone else. */
  async activeUser(tenantId: string, userId: string): Promise<string | undefined> {
    const user = await this.users.findOne({ where: { id: userId, tenantId }, select: { email: true, disabledAt: true } });
    return user && !user.disabledAt ? user.email : undefined;
  }
}
