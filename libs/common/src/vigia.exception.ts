import { IntrinsicException } from '@nestjs/common';

/**
 * Every error a client may see carries a stable code and, where it is about input, the field at fault.
 * Anything that is not a VigiaException is reported to clients as INTERNAL, never with its message or stack.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'DUPLICATE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TOO_MANY_ATTEMPTS',
  'QUERY_TOO_COMPLEX',
  'CONFLICT',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An IntrinsicException: Nest's default handler does not log it (it logged every refusal — a wrong field, a
 * missing role, a query over the limit — at error level with a stack trace, so one client could fill the logs
 * and bury real faults). These are answers to the client, not faults of Vigia.
 */
export class VigiaException extends IntrinsicException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'VigiaException';
  }

  static notFound(entity: string, field = 'id'): VigiaException {
    return new VigiaException('NOT_FOUND', `${entity} not found`, field);
  }

  static invalid(field: string, reason: string): VigiaException {
    return new VigiaException('VALIDATION_FAILED', `${field}: ${reason}`, field);
  }
}
