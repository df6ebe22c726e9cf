import { Logger as NestLogger } from '@nestjs/common';
import type { Logger, QueryRunner } from 'typeorm';

/**
 * SQLSTATEs the services turn into field errors (`translateDatabaseError`): a name already in use (23505), a row
 * still referenced (23503, 23001). They are answers to the client, not faults: logged, they put PostgreSQL's ERROR
 * and the whole INSERT in front of an operator for a duplicate name the API has already explained.
 */
const ANSWERED = new Set(['23505', '23503', '23001']);

/** TypeORM's logger: failed queries only (as `logging: ['error']`), without the ones that are answers, through Nest's log. */
export class QueryErrorLogger implements Logger {
  private readonly out = new NestLogger('Database');

  logQueryError(error: string | Error, query: string, parameters?: unknown[], _runner?: QueryRunner): void {
    const code = typeof error === 'object' ? (error as { code?: string }).code : undefined;
    // Kept at debug, not dropped: one nothing translated (a worker's, a save outside the services) is still findable.
    if (code && ANSWERED.has(code)) return this.out.debug(`query refused (${code}, answered to the client as a field error where a service translates it): ${typeof error === 'string' ? error : error.message}`);
    // Parameters stay out: they may hold a tenant's secrets (sealed values, tokens' hashes).
    this.out.error(`query failed: ${typeof error === 'string' ? error : error.message} — ${query.slice(0, 500)}${parameters?.length ? ` (${parameters.length} parameters)` : ''}`);
  }

  logQuery(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
