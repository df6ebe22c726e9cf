import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type Connection, type PageArgs, VigiaException } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import { EgressPolicy } from '#lib/egress';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { Host } from './entities/host.entity.js';
import type { CreateHostInput, HostFilter, UpdateHostInput } from './graphql/inventory.inputs.js';
import { keepNull, whereNameContains } from './search.js';
import { SitesService } from './customers.service.js';
import { SshCredentialsService } from './ssh-credentials.service.js';
import { detachDeletedHosts, softDeleteHost } from './soft-delete.js';

@Injectable()
export class HostsService {
  readonly scope: TenantScopedRepository<Host>;

  constructor(
    @InjectRepository(Host) repository: Repository<Host>,
    private readonly sites: SitesService,
    private readonly credentials: SshCredentialsService,
    private readonly tx: TransactionRunner,
    private readonly egress: EgressPolicy,
  ) {
    this.scope = new TenantScopedRepository(repository, 'host');
  }

  list(principal: Principal, page: PageArgs, filter: HostFilter = {}): Promise<Connection<Host>> {
    return this.scope.list(principal, page, 'name', (q) => {
      whereNameContains(q, filter.search);
      if (filter.siteId) q.andWhere('e.site_id = :siteId', { siteId: filter.siteId });
      if (filter.kind) q.andWhere('e.kind = :kind', { kind: filter.kind });
      if (filter.tag) q.andWhere(':tag = ANY(e.tags)', { tag: filter.tag.toLowerCase() });
    });
  }

  async create(principal: Principal, input: CreateHostInput): Promise<Host> {
    await this.checkLinks(principal, input);
    return this.scope.create(principal, { ...input, name: input.name.toLowerCase(), tags: normalizeTags(input.tags) });
  }

  /** A host's addresses are what its monitors probe and SSH connects to: refused addresses are refused at save. */
  private checkAddresses(principal: Principal, addresses: string[] | undefined | null): void {
    const guard = this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' });
    addresses?.forEach((address, i) => {
      const refused = guard.literalRefusal(address);
      if (refused) throw VigiaException.invalid(`input.addresses[${i}]`, refused);
    });
  }

  private async checkLinks(principal: Principal, input: UpdateHostInput): Promise<void> {
    this.checkAddresses(principal, input.addresses);
    if (input.siteId) await this.sites.scope.get(principal, input.siteId, 'input.siteId');
    if (input.sshCredentialId) await this.credentials.scope.get(principal, input.sshCredentialId, 'input.sshCredentialId');
    if (input.sshJumpHostId) await this.scope.get(principal, input.sshJumpHostId, 'input.sshJumpHostId');
  }

  async update(principal: Principal, id: string, input: UpdateHostInput): Promise<Host> {
    if (input.sshJumpHostId === id) throw VigiaException.invalid('input.sshJumpHostId', 'a host cannot be its own jump host');
    await this.checkLinks(principal, input);
    return this.scope.update(principal, id, { ...input, name: keepNull(input.name, (n) => n.toLowerCase()), tags: keepNull(input.tags, normalizeTags) });
  }

  /**
   * Soft delete of the host with its services and monitors, at one instant, in one transaction; their incidents,
   * state changes and link periods stay. Refused while a live host reaches SSH through this one.
   */
  async delete(principal: Principal, id: string): Promise<boolean> {
    const host = await this.scope.get(principal, id);
    const dependant = await this.scope.query(principal, 'e').andWhere('e.ssh_jump_host_id = :id', { id: host.id }).orderBy('e.name').getOne();
    if (dependant) throw new VigiaException('CONFLICT', `id: ${host.name} is the SSH jump host of ${dependant.name}; change that first`, 'id');
    await this.tx.run(async (manager) => {
      await detachDeletedHosts(manager, 'ssh_jump_host_id', host.id);
      await softDeleteHost(manager, principal.tenantId, host.id);
    });
    return true;
  }
}

function normalizeTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.toLowerCase()))];
}
