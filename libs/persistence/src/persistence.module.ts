import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VigiaConfig } from '#lib/config';
import { vigiaDataSourceOptions } from './data-source.options.js';
import { TransactionRunner } from './transaction.runner.js';

/**
 * The database connection for a process. Entities are registered by each context's module through
 * TypeOrmModule.forFeature (autoLoadEntities), never discovered by a file glob.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [VigiaConfig],
          useFactory: (config: VigiaConfig) => {
            if (!config.databaseUrl) throw new Error('database URL missing: the embedded PostgreSQL was not started');
            return { ...vigiaDataSourceOptions(config.databaseUrl, []), autoLoadEntities: true };
          },
        }),
      ],
      providers: [TransactionRunner],
      exports: [TransactionRunner],
    };
  }
}
