import { Injectable } from '@nestjs/common';
import { ProbeType, SshCredentialsService } from '#lib/inventory';
import type { ProbeTarget } from '#lib/probes';
import type { WatchedMonitor } from './monitor-catalog.js';

type TargetSource = Pick<WatchedMonitor, 'tenantId' | 'type' | 'config' | 'address' | 'timeoutMs' | 'sshPort' | 'sshUser' | 'sshHostKey' | 'sshCredentialId'>;

/** Builds a probe's target; for SSH monitors unseals the host's credential (cached: unsealing is per key, not per probe). */
@Injectable()
export class ProbeTargets {
  private readonly keys = new Map<string, string>();

  constructor(private readonly credentials: SshCredentialsService) {}

  async of(monitor: TargetSource): Promise<ProbeTarget> {
    const target: ProbeTarget = { type: monitor.type, config: monitor.config, address: monitor.address, timeoutMs: monitor.timeoutMs, tenantId: monitor.tenantId };
    if (monitor.type !== ProbeType.ssh || !monitor.sshCredentialId) return target;
    let key = this.keys.get(monitor.sshCredentialId);
    if (key === undefined) {
      key = await this.credentials.privateKey(monitor.sshCredentialId, monitor.tenantId);
      this.keys.set(monitor.sshCredentialId, key);
    }
    return { ...target, ssh: { port: monitor.sshPort, user: monitor.sshUser, privateKey: key, hostKey: monitor.sshHostKey } };
  }

  /** Forgets unsealed keys (a credential may have been replaced or deleted). */
  forget(): void {
    this.keys.clear();
  }
}
