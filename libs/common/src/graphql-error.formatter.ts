import { Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { isDatabaseUnreachable } from './database-errors.js';
import { inputErrorField } from './input-error-field.js';
import { LogThrottle } from './log-throttle.js';
import { VigiaException } from './vigia.exception.js';

/** Codes Apollo and graphql-js produce themselves for malformed requests; their messages are safe to show. */
const PASSTHROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
]);

const logger = new Logger('GraphQL');

/** What a client is told while Vigia's database does not answer: it is not a fault in what was asked, and it passes. */
export const DATABASE_UNAVAILABLE = "Vigia's database does not answer: nothing can be read or saved until it is back (the dashboard's banner and /healthz say since when); monitoring is degraded meanwhile. Try again in a moment.";
/** One log line every 10 s while it lasts, with how many answers it cost: every request logged a stack (30 a second). */
const unavailableLog = new LogThrottle();

/** Finds the VigiaException behind a GraphQL error, whatever wrapped it on the way. */
function unwrap(error: unknown): VigiaException | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof VigiaException) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** A client's input error names the field it is about, when graphql-js's error lets us find it. */
function withField(code: string, error: unknown): { code: string; field?: string } {
  const field = code === 'GRAPHQL_PARSE_FAILED' ? undefined : inputErrorField(error as Parameters<typeof inputErrorField>[0]);
  return field ? { code, field } : { code };
}

export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const vigia = unwrap(error);
  if (vigia) {
    return {
      message: vigia.message,
      path: formatted.path,
      extensions: { code: vigia.code, ...(vigia.field ? { field: vigia.field } : {}) },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASSTHROUGH_CODES.has(code)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: withField(code, error) };
  }
  // graphql-js's own verdicts on the request (variable coercion: `Variable "$i" got invalid value … at "i.kind"`)
  // carry no cause but another GraphQLError; they describe the client's input and name its field.
  const cause = (error as { originalError?: unknown }).originalError;
  if (!formatted.path && (!cause || (cause as Error).name === 'GraphQLError')) {
    return { message: formatted.message, locations: formatted.locations, extensions: withField('BAD_USER_INPUT', error) };
  }
  if (isDatabaseUnreachable(cause ?? error)) {
    const refused = unavailableLog.count();
    if (refused !== undefined) logger.warn(`${refused} GraphQL answer(s) refused: the database does not answer (${cause instanceof Error ? cause.message : String(cause ?? error)})`);
    return { message: DATABASE_UNAVAILABLE, path: formatted.path, extensions: { code: 'UNAVAILABLE' } };
  }
  // The client learns nothing of the cause; the operator's log gets all of it.
  logger.error({ err: cause ?? error, path: formatted.path }, cause instanceof Error ? cause.message : String(cause ?? error));
  return { message: 'Internal error', path: formatted.path, extensions: { code: 'INTERNAL' } };
}
