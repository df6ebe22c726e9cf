import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConnectionType, PageArgs } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { Host } from '../entities/host.entity.js';
import { SshCredential } from '../entities/ssh-credential.entity.js';
import { HostsService } from '../hosts.service.js';
import { SshCredentialsService } from '../ssh-credentials.service.js';
import { CreateSshCredentialInput } from './inventory.inputs.js';

const SshCredentialConnection = ConnectionType(SshCredential, 'SshCredential');

@Resolver(() => SshCredential)
export class SshCredentialsResolver {
  constructor(
    private readonly credentials: SshCredentialsService,
    private readonly hosts: HostsService,
  ) {}

  @Query(() => SshCredentialConnection)
  sshCredentials(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    return this.credentials.list(principal, page);
  }

  @RequireRole(Role.admin)
  @Mutation(() => SshCredential, { description: 'Store an SSH private key, sealed; returns its public key for authorized_keys' })
  createSshCredential(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateSshCredentialInput): Promise<SshCredential> {
    return this.credentials.create(principal, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean)
  deleteSshCredential(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.credentials.delete(principal, id);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Host, { description: 'Read the SSH host key the host presents now and pin it (trust on first use, on request)' })
  async pinSshHostKey(@CurrentPrincipal() principal: Principal, @Args('hostId', { type: () => ID }) hostId: string): Promise<Host> {
    const host = await this.hosts.scope.get(principal, hostId, 'hostId');
    return this.credentials.pinHostKey(principal, host);
  }
}
