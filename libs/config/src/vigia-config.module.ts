import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { VigiaConfig } from './vigia-config.js';

/**
 * Makes the already validated VigiaConfig injectable. Validation happens before Nest starts (so a bad value stops
 * the process with one line before any connection is opened); @nestjs/config carries the same object for libraries
 * that read through ConfigService.
 */
@Global()
@Module({})
export class VigiaConfigModule {
  static forRoot(config: VigiaConfig): DynamicModule {
    return {
      module: VigiaConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [() => ({ vigia: config })] })],
      providers: [{ provide: VigiaConfig, useValue: config }],
      exports: [VigiaConfig],
    };
  }
}
