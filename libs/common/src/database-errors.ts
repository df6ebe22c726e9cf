import { VigiaException } from './vigia.exception.js';

interface PgError {
  code?: string;
  detail?: string;
  constraint?: string;
}

/**
 * Turns a unique-violation from PostgreSQL into a DUPLICATE error naming the field. The database is the judge of
 * uniqueness (a check-then-insert would race); this only translates its verdict. Other errors pass through.
 */
export function translateDatabaseError(error: unknown, prefix = 'input.'): unknown {
  // Duck-typed, not instanceof: TypeORM can be loaded twice (ESM and CommonJS) in one process, e.g. under tests.
  const pg = (error as { driverError?: PgError } | null)?.driverError;
  if (!pg) return error;
  if (pg.code === '23505') {
    // detail looks like: Key (tenant_id, name)=(…, web1) already exists.
    const columns = /^Key \(([^)]*)\)/.exec(pg.detail ?? '')?.[1]?.split(',').map((c) => c.trim()) ?? [];
    const column = columns.filter((c) => c !== 'tenant_id').at(-1) ?? 'name';
    // Named as validation names fields (`input.name`): every create and update takes its values as `input`. A fleet
    // file's apply passes '' (its own paths name the object).
    const field = `${prefix}${column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())}`;
    // A name unique on its host (monitors, services: Key (host_id, name)): "in use" alone would send the operator
    // looking through the whole tenant, where the same name on other hosts is fine.
    const where = columns.includes('host_id') && column !== 'host_id' ? ' on this host' : '';
    return new VigiaException('DUPLICATE', `${field}: already in use${where}`, field);
  }
  // 23001 restrict_violation (ON DELETE RESTRICT), 23503 foreign_key_violation (NO ACTION): the row is in use.
  if ((pg.code === '23001' || pg.code === '23503') && /referenced from table/.test(pg.detail ?? '')) {
    // detail looks like: Key (id)=(…) is referenced from table "services".
    const table = /from table "([^"]+)"/.exec(pg.detail ?? '')?.[1] ?? 'other records';
    return new VigiaException('CONFLICT', `id: still used by ${table}; remove or move those first`, 'id');
  }
  return error;
}

export async function withDatabaseErrors<T>(work: () => Promise<T>, prefix = 'input.'): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDatabaseError(error, prefix);
  }
}

/** Node's socket errors on the way to PostgreSQL, and PostgreSQL's own "connection" (08) and "shutting down" (57P) classes. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
/** What pg says when the connection is lost or cannot be had (no code of its own): fixed texts, tested in order. */
const UNREACHABLE_TEXTS = ['Connection terminated', 'timeout exceeded when trying to connect', 'Client has encountered a connection error', 'Connection ended', 'the database system is'];

/**
 * Whether an error means Vigia's database cannot be reached (stopped, restarting, the network to it gone), rather
 * than a fault in what was asked: the error itself, what TypeORM or GraphQL wrapped, and their causes.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; driverError?: unknown; originalError?: unknown; cause?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNREACHABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    if (UNREACHABLE_TEXTS.some((t) => message.includes(t))) return true;
    current = e.driverError ?? e.originalError ?? e.cause;
  }
  return false;
}
