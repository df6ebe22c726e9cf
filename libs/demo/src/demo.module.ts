import { Module } from '@nestjs/common';
import { RunHistoryModule } from '#lib/runbooks';
import { TenancyModule, TenancyPortsModule } from '#lib/tenancy';
import { DemoResolver } from './demo.resolver.js';
import { DemoService } from './demo.service.js';

/** The live demo company (API role): its servers run in the API process, beside the GraphQL it is built through. */
@Module({
  imports: [TenancyModule, TenancyPortsModule, RunHistoryModule],
  providers: [DemoService, DemoResolver],
  exports: [DemoService],
})
export class DemoModule {}
