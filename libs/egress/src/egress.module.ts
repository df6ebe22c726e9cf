import { Global, Module } from '@nestjs/common';
import { VigiaConfig } from '#lib/config';
import { EgressPolicy } from './egress-policy.js';

/** The process's egress policy, from VIGIA_EGRESS_ALLOW / VIGIA_EGRESS_DENY (validated by VigiaConfig). */
@Global()
@Module({
  providers: [{ provide: EgressPolicy, useFactory: (config: VigiaConfig) => new EgressPolicy(config.egress), inject: [VigiaConfig] }],
  exports: [EgressPolicy],
})
export class EgressModule {}
