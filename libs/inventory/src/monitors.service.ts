import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type Connection, type PageArgs, VigiaException } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import { SecretBox } from '#lib/secrets';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { Monitor } from './entities/monitor.entity.js';
import type { CreateMonitorInput, MonitorFilter, UpdateMonitorInput } from './graphql/inventory.inputs.js';
import { EgressPolicy } from '#lib/egress';
import { validateMonitorConfig } from './monitor-config.validator.js';
import { openSecrets, sealSecrets, separateSecrets } from './monitor-secrets.js';
import { keepNull, whereNameContains } from './search.js';
import { HostsService } from './hosts.service.js';
import { ServicesService } from './services.service.js';
import { softDeleteMonitors } from './soft-delete.js';

@Injectable()
export class MonitorsService {
  readonly scope: TenantScopedRepository<Monitor>;

  constructor(
    @InjectRepository(Monitor) repository: Repository<Monitor>,
    private readonly hosts: HostsService,
    private readonly services: ServicesService,
    private readonly tx: TransactionRunner,
    private readonly box: SecretBox,
    private readonly egress: EgressPolicy,
  ) {
    this.scope = new TenantScopedRepository(repository, 'monitor');
  }

  /**
   * Marks a monitor changed without changing it: the watchdogs reload a monitor when its row changes (their catalog's
   * fingerprint reads `updated_at`) — another library's setting for it (its vantage assignment) changed.
   */
  async touch(monitorId: string): Promise<void> {
    await this.scope.repository.query('UPDATE monitors SET updated_at = now() WHERE id = $1', [monitorId]);
  }

  list(principal: Principal, page: PageArgs, filter: MonitorFilter = {}): Promise<Connection<Monitor>> {
    return this.scope.list(principal, page, 'name', (q) => {
      whereNameContains(q, filter.search);
      if (filter.hostId) q.andWhere('e.host_id = :hostId', { hostId: filter.hostId });
      if (filter.serviceId) q.andWhere('e.service_id = :serviceId', { serviceId: filter.serviceId });
      if (filter.type) q.andWhere('e.type = :type', { type: filter.type });
      if (filter.enabled !== undefined) q.andWhere('e.enabled = :enabled', { enabled: filter.enabled });
    });
  }

  async create(principal: Principal, input: CreateMonitorInput): Promise<Monitor> {
    await this.checkLinks(principal, input.hostId, input.serviceId ?? null);
    checkTiming(input.intervalMs, input.timeoutMs);
    // The id is chosen here because it is sealed with the credentials.
    const id = randomUUID();
    const { config, secrets } = separateSecrets(input.type, input.config, {}, false);
    validateMonitorConfig(input.type, config, 'input.config', this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' }));
    return this.scope.create(principal, { ...input, id, config, secretsSealed: sealSecrets(this.box, id, secrets), name: input.name.trim() });
  }

  async update(principal: Principal, id: string, input: UpdateMonitorInput): Promise<Monitor> {
    this.scope.refuseNulls(input);
    const current = await this.scope.get(principal, id);
    const next = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as Monitor;
    await this.checkLinks(principal, next.hostId, next.serviceId);
    checkTiming(next.intervalMs, next.timeoutMs);
    validateMonitorConfig(next.type, next.config, 'input.config', this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' }));
    if (input.config === undefined) return this.scope.update(principal, id, { ...input, name: keepNull(input.name, (n) => n.trim()) });
    const stored = openSecrets(this.box, current.id, current.secretsSealed);
    const { config, secrets } = separateSecrets(next.type, input.config, stored, next.type === current.type);
    validateMonitorConfig(next.type, config);
    return this.scope.update(principal, id, { ...input, config, secretsSealed: sealSecrets(this.box, current.id, secrets), name: keepNull(input.name, (n) => n.trim()) });
  }

  /** Soft delete: never probed again and hidden from now on; its incidents and state changes stay for reports. */
  async delete(principal: Principal, id: string): Promise<boolean> {
    const monitor = await this.scope.get(principal, id);
    await this.tx.run((manager) => softDeleteMonitors(manager, principal.tenantId, 'id = $2', [monitor.id]));
    return true;
  }

  private async checkLinks(principal: Principal, hostId: string, serviceId: string | null): Promise<void> {
    await this.hosts.scope.get(principal, hostId, 'input.hostId');
    if (!serviceId) return;
    const service = await this.services.scope.get(principal, serviceId, 'input.serviceId');
    if (service.hostId !== hostId) throw VigiaException.invalid('input.serviceId', 'is a service of another host than the monitor’s');
  }
}

function checkTiming(intervalMs: number, timeoutMs: number): void {
  if (timeoutMs >= intervalMs) throw VigiaException.invalid('input.timeoutMs', 'must be shorter than the interval between probes');
}
