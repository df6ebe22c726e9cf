import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { type Connection, type PageArgs, VigiaException, withDatabaseErrors } from '#lib/common';
import { EgressPolicy } from '#lib/egress';
import { fetchHostKey, inspectPrivateKey } from '#lib/executors';
import { TransactionRunner } from '#lib/persistence';
import { SecretBox } from '#lib/secrets';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { Host } from './entities/host.entity.js';
import { SshCredential } from './entities/ssh-credential.entity.js';
import type { CreateSshCredentialInput } from './graphql/inventory.inputs.js';
import { detachDeletedHosts } from './soft-delete.js';

/** The outcome of pinning: both fingerprints, so a replacement is never silent. */
export interface HostKeyPin {
  host: Host;
  sshHostKey: string;
  previousSshHostKey: string | null;
  replaced: boolean;
}

@Injectable()
export class SshCredentialsService {
  readonly scope: TenantScopedRepository<SshCredential>;

  constructor(
    @InjectRepository(SshCredential) private readonly repository: Repository<SshCredential>,
    @InjectRepository(Host) private readonly hosts: Repository<Host>,
    private readonly box: SecretBox,
    private readonly tx: TransactionRunner,
    private readonly egress: EgressPolicy,
  ) {
    this.scope = new TenantScopedRepository(repository, 'SSH credential');
  }

  list(principal: Principal, page: PageArgs): Promise<Connection<SshCredential>> {
    return this.scope.list(principal, page, 'name');
  }

  async create(principal: Principal, input: CreateSshCredentialInput): Promise<SshCredential> {
    let inspected: { publicKey: string; fingerprint: string };
    try {
      inspected = inspectPrivateKey(input.privateKey);
    } catch (error) {
      throw VigiaException.invalid('input.privateKey', `cannot be read as an unencrypted SSH private key (${(error as Error).message})`);
    }
    const id = randomUUID();
    return this.scope.create(principal, {
      id,
      name: input.name.trim(),
      publicKey: inspected.publicKey,
      fingerprint: inspected.fingerprint,
      privateKeySealed: this.box.seal(input.privateKey, `ssh_credentials:${id}`),
    });
  }

  /** Refused (CONFLICT) while live hosts use the key; deleted hosts only lose their reference to it. */
  async delete(principal: Principal, id: string): Promise<boolean> {
    const credential = await this.scope.get(principal, id);
    return this.tx.run(async (manager) => {
      await detachDeletedHosts(manager, 'ssh_credential_id', credential.id);
      await withDatabaseErrors(() => manager.delete(SshCredential, { id: credential.id }));
      return true;
    });
  }

  /** The private key in clear, for the SSH client only; never returned over the API. */
  async privateKey(credentialId: string, tenantId: string): Promise<string> {
    const credential = await this.repository.findOne({ where: { id: credentialId, tenantId } });
    if (!credential) throw VigiaException.notFound('SSH credential', 'sshCredentialId');
    return this.box.open(credential.privateKeySealed, `ssh_credentials:${credential.id}`);
  }

  /**
   * Trust on first use, on an operator's explicit request: reads the key the host presents now and pins it. An
   * existing, different pin is replaced only with `replace` (a changed key may be a man in the middle): without it
   * the error shows both fingerprints and nothing changes.
   */
  async pinHostKey(principal: Principal, host: Host, replace = false, timeoutMs = 5000): Promise<HostKeyPin> {
    const address = host.addresses[0]!;
    let key: string;
    try {
      key = await fetchHostKey(address, host.sshPort, timeoutMs, this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' }));
    } catch (error) {
      throw new VigiaException('CONFLICT', `could not read the SSH host key of ${host.name} (${address}:${host.sshPort}): ${(error as Error).message}`, 'hostId');
    }
    const previous = host.sshHostKey;
    if (previous === key) return { host, sshHostKey: key, previousSshHostKey: previous, replaced: false };
    if (previous && !replace) {
      throw new VigiaException('CONFLICT', `host ${host.name} is pinned to ${previous} but now presents ${key}; check the new key out of band, then pin again with replace: true`, 'replace');
    }
    await this.hosts.update({ id: host.id, tenantId: principal.tenantId }, { sshHostKey: key });
    return { host: { ...host, sshHostKey: key }, sshHostKey: key, previousSshHostKey: previous, replaced: previous !== null };
  }
}
