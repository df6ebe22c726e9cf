import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryErrorLogger } from './query-error.logger.js';

describe('failed queries in the log', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a duplicate name or a row still in use is the client\'s answer, only at debug; another failure is, without its parameters', () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const debug = vi.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const logger = new QueryErrorLogger();
    logger.logQueryError(Object.assign(new Error('duplicate key value violates unique constraint "IDX_x"'), { code: '23505' }), 'INSERT INTO "monitors" …', ['secret']);
    logger.logQueryError(Object.assign(new Error('update or delete violates foreign key constraint'), { code: '23503' }), 'DELETE FROM "hosts" …', []);
    expect(error).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledTimes(2);
    expect(String(debug.mock.calls[0]![0])).not.toContain('secret');
    logger.logQueryError(Object.assign(new Error('deadlock detected'), { code: '40P01' }), 'UPDATE "runbook_runs" …', ['secret']);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![0])).toBe('query failed: deadlock detected — UPDATE "runbook_runs" … (1 parameters)');
    expect(String(error.mock.calls[0]![0])).not.toContain('secret');
  });
});
