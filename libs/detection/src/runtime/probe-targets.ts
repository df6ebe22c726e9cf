import { Injectable } from '@nestjs/common';
import { openSecrets, ProbeType, revealSecrets, SshCredentialsService } from '#lib/inventory';
import { SecretBox } from '#lib/secrets';
import type { ProbeTarget } from '#lib/probes';
import type { WatchedMonitor } from './monitor-catalog.js';

type TargetSource = Pick<WatchedMonitor, 'id' | 'tenantId' | 'type' | 'config' | 'secretsSealed' | 'address' | 'timeoutMs' | 'sshPort' | 'sshUser' | 'sshHostKey' | 'sshCredentialId'>;

/** Builds a probe's target; for SSH monitors unseals the host's credential (cached: unsealing is per key, not per probe). */
@Injectable()
export class ProbeTargets {
  private readonly keys = new Map<string, string>();

  /** Opened monitor credentials by sealed value: opening is per change of the credentials, not per probe. */
  private readonly opened = new Map<string, Record<string, string>>();

  /**
   * Targets already built, by the monitor object they were built from: a watchdog probes the same object every
   * interval until its next reload (which brings new objects, and `forget()`), so the target, and its config with the
   * credentials revealed, are built once per reload, not per probe. Probes only read their target.
   */
  private built = new WeakMap<TargetSource, ProbeTarget>();

  constructor(
    private readonly credentials: SshCredentialsService,
    private readonly box: SecretBox,
  ) {}

  async of(monitor: TargetSource): Promise<ProbeTarget> {
    let target = this.built.get(monitor);
    if (!target) {
      target = await this.build(monitor);
      this.built.set(monitor, target);
    }
    return target;
  }

  private async build(monitor: TargetSource): Promise<ProbeTarget> {
    const target: ProbeTarget = { type: monitor.type, config: this.config(monitor), address: monitor.address, timeoutMs: monitor.timeoutMs, tenantId: monitor.tenantId };
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
    this.opened.clear();
    this.built = new WeakMap();
  }

  /** The config with its credentials in clear: only the probe sees them. */
  private config(monitor: TargetSource): Record<string, unknown> {
    if (!monitor.secretsSealed) return monitor.config;
    let secrets = this.opened.get(monitor.secretsSealed);
    if (!secrets) {
      secrets = openSecrets(this.box, monitor.id, monitor.secretsSealed);
      if (this.opened.size > 100_000) this.opened.clear();
      this.opened.set(monitor.secretsSealed, secrets);
    }
    return revealSecrets(monitor.config, secrets);
  }
}
