import { GraphQLError } from 'graphql';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnreachable } from './database-errors.js';
import { DATABASE_UNAVAILABLE, formatGraphqlError } from './graphql-error.formatter.js';

/** The error pg really gives for a database that is not there (a closed port on loopback). */
async function refusedConnection(): Promise<Error> {
  const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'x', database: 'x', connectionTimeoutMillis: 2000 });
  return client.connect().then(
    () => {
      throw new Error('connected to port 1?');
    },
    (error: Error) => error,
  );
}

describe('an unreachable database, told apart from a fault', () => {
  it('knows pg’s own errors, wrapped or not, and nothing else', async () => {
    const refused = await refusedConnection();
    expect(isDatabaseUnreachable(refused)).toBe(true);
    // As TypeORM wraps a failed query, as GraphQL wraps a resolver's throw.
    expect(isDatabaseUnreachable({ message: 'query failed', driverError: { code: '57P01', message: 'terminating connection due to administrator command' } })).toBe(true);
    expect(isDatabaseUnreachable(new GraphQLError('x', { originalError: new Error('Connection terminated unexpectedly') }))).toBe(true);
    expect(isDatabaseUnreachable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    // A fault in what was asked, or in Vigia, is not the database being away.
    expect(isDatabaseUnreachable({ message: 'duplicate key', driverError: { code: '23505' } })).toBe(false);
    expect(isDatabaseUnreachable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnreachable(null)).toBe(false);
  });

  it('answers GraphQL clients UNAVAILABLE in words, not "Internal error"', async () => {
    const error = new GraphQLError('connect ECONNREFUSED', { path: ['monitors'], originalError: await refusedConnection() });
    expect(formatGraphqlError({ message: error.message, path: ['monitors'] }, error)).toEqual({ message: DATABASE_UNAVAILABLE, path: ['monitors'], extensions: { code: 'UNAVAILABLE' } });
    const bug = new GraphQLError('boom', { path: ['monitors'], originalError: new TypeError('boom') });
    expect(formatGraphqlError({ message: 'boom', path: ['monitors'] }, bug)).toEqual({ message: 'Internal error', path: ['monitors'], extensions: { code: 'INTERNAL' } });
  });
});
