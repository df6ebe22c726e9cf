import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type EgressGuard, EgressPolicy } from '#lib/egress';
import { CLOCK, type Clock } from '#lib/common';
import { HostMaintenance } from '#lib/detection';
import { type SshTarget } from '#lib/executors';
import { type Host, InventoryLookup, openSecrets, revealSecrets, SshCredentialsService } from '#lib/inventory';
import { SecretBox } from '#lib/secrets';
import { Resource, ResourceKind } from '../entities/resource.entity.js';
import { type PlanContext, type ResolvedHost, type ResourceView, StepInputError } from '../steps/step.js';

export function resourceView(resource: Resource): ResourceView {
  const address = typeof resource.config.address === 'string' ? resource.config.address : undefined;
  return {
    id: resource.id,
    name: resource.name,
    kind: resource.kind,
    config: resource.config,
    members: resource.members,
    requireFencing: resource.requireFencing,
    primaryHostId: resource.primaryHostId,
    ...(address ? { ip: address.split('/')[0] } : {}),
  };
}

export function resourceSecrets(box: SecretBox, resource: Resource | undefined): Record<string, string> {
  if (!resource?.secretSealed) return {};
  return JSON.parse(box.open(resource.secretSealed, `resources:${resource.id}`)) as Record<string, string>;
}

/**
 * What planning a run needs from the rest of Vigia, always inside the run's tenant: hosts by name or id (another
 * tenant's host is "unknown"), SSH access (credential unsealed, host key pinned, optional jump host), the resource's
 * secrets, monitors to poll.
 */
@Injectable()
export class PlanContextFactory {
  constructor(
    private readonly inventory: InventoryLookup,
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    private readonly credentials: SshCredentialsService,
    private readonly box: SecretBox,
    private readonly egressPolicy: EgressPolicy,
    private readonly maintenance: HostMaintenance,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  create(tenantId: string, resource: Resource | undefined, extra: { runId?: string; incidentId?: string } = {}): PlanContext {
    const cache = new Map<string, Promise<ResolvedHost>>();
    const secrets = resourceSecrets(this.box, resource);
    const egress = this.egressPolicy.guard({ tenantId, vantage: 'platform' });
    const resolveHost = (value: unknown, path: string, needSsh: boolean): Promise<ResolvedHost> => {
      const key = hostKey(value, path);
      let found = cache.get(key);
      if (!found) {
        found = this.loadHost(tenantId, key, path, egress);
        cache.set(key, found);
      }
      return found.then((host) => {
        if (needSsh && !host.ssh) throw new StepInputError(path, host.sshProblem!);
        return host;
      });
    };
    return {
      tenantId,
      resource: resource ? resourceView(resource) : undefined,
      ...extra,
      egress,
      resolveHost,
      resourceSecret: (name) => secrets[name],
      vms: async () => (await this.resources.find({ where: { tenantId, kind: ResourceKind.vm } })).map(resourceView),
      inMaintenance: (hostIds) => this.maintenance.hostsIn(tenantId, hostIds, this.clock.now()),
      monitorTarget: async (nameOrId, path) => {
        const monitor = await this.inventory.monitor(tenantId, nameOrId);
        if (!monitor) throw new StepInputError(path, `unknown monitor ${JSON.stringify(nameOrId)}`, 'NOT_FOUND');
        // Names are unique per host: "http" on two hosts names neither.
        if ('hosts' in monitor) throw new StepInputError(path, `monitor ${JSON.stringify(nameOrId)} is on ${monitor.hosts.length} hosts (${monitor.hosts.join(', ')}): write which one as host/monitor, e.g. ${monitor.hosts[0]}/${nameOrId}`);
        if (monitor.type === 'ssh') throw new StepInputError(path, 'SSH monitors cannot be polled by wait.until; use ssh.exec');
        const host = await resolveHost(monitor.hostId, path, false);
        // The probe gets the monitor's credentials in clear; the label (what previews and audit show) does not.
        const config = revealSecrets(monitor.config, openSecrets(this.box, monitor.id, monitor.secretsSealed));
        return { label: `monitor ${host.name}/${monitor.name}`, type: monitor.type, config, address: host.address, timeoutMs: monitor.timeoutMs };
      },
    };
  }

  private async loadHost(tenantId: string, key: string, path: string, egress: EgressGuard): Promise<ResolvedHost> {
    const host = await this.inventory.host(tenantId, key);
    if (!host) throw new StepInputError(path, `unknown host ${JSON.stringify(key)}`, 'NOT_FOUND');
    const ref: ResolvedHost = { id: host.id, name: host.name, address: host.addresses[0]!, tags: host.tags };
    try {
      ref.ssh = await this.sshTarget(tenantId, host, path, egress);
    } catch (error) {
      ref.sshProblem = (error as Error).message;
    }
    return ref;
  }

  private async sshTarget(tenantId: string, host: Host, path: string, egress: EgressGuard, depth = 0): Promise<SshTarget> {
    if (!host.sshCredentialId) throw new Error(`host ${host.name} has no SSH credential`);
    if (!host.sshHostKey) throw new Error(`host key of ${host.name} is not pinned; pin it (pinSshHostKey) before a runbook may use it`);
    const target: SshTarget = {
      host: host.addresses[0]!,
      port: host.sshPort,
      username: host.sshUser,
      privateKey: await this.credentials.privateKey(host.sshCredentialId, tenantId),
      hostKey: host.sshHostKey,
      egress,
    };
    if (host.sshJumpHostId && depth === 0) {
      const jump = await this.inventory.host(tenantId, host.sshJumpHostId);
      if (!jump) throw new Error(`jump host of ${host.name} is gone`);
      target.jump = await this.sshTarget(tenantId, jump, path, egress, depth + 1);
    }
    return target;
  }
}

function hostKey(value: unknown, path: string): string {
  if (typeof value === 'string' && value) return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  throw new StepInputError(path, 'must name a host');
}
