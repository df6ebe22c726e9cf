import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ConnectionType, PageArgs } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { Host } from '../entities/host.entity.js';
import { SshCredential } from '../entities/ssh-credential.entity.js';
import { HostsService } from '../hosts.service.js';
import { SshCredentialsService } from '../ssh-credentials.service.js';
import { CreateSshCredentialInput } from './inventory.inputs.js';

const SshCredentialConnection = ConnectionType(SshCredential, 'SshCredential');

@ObjectType({ description: 'A pinned SSH host key, with the one it replaced' })
export class SshHostKeyPin {
  @Field(() => ID, { description: 'The host id' }) id: string;
  @Field(() => Host) host: Host;
  @Field({ description: 'The fingerprint pinned now (SHA256:…)' }) sshHostKey: string;
  @Field(() => String, { nullable: true, description: 'The fingerprint pinned before; null when the host had none' }) previousSshHostKey: string | null;
  @Field({ description: 'True when an existing, different pin was replaced' }) replaced: boolean;
}

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
  @Mutation(() => SshHostKeyPin, { description: 'Read the SSH host key the host presents now and pin it (trust on first use, on request). A different existing pin is replaced only with replace: true; the answer shows both fingerprints.' })
  async pinSshHostKey(
    @CurrentPrincipal() principal: Principal,
    @Args('hostId', { type: () => ID }) hostId: string,
    @Args('replace', { type: () => Boolean, defaultValue: false }) replace: boolean,
  ): Promise<SshHostKeyPin> {
    const host = await this.hosts.scope.get(principal, hostId, 'hostId');
    const pin = await this.credentials.pinHostKey(principal, host, replace);
    return { id: host.id, ...pin };
  }
}
