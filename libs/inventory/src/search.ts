import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Case-insensitive substring match on the name; LIKE wildcards typed by the user are matched literally. */
export function whereNameContains<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, search: string | undefined): void {
  if (!search) return;
  const escaped = search.replace(/[\\%_]/g, (c) => `\\${c}`);
  query.andWhere(`${query.alias}.name ILIKE :search`, { search: `%${escaped}%` });
}

/** Applies `fn` to a value the client sent, leaving null and undefined as they are (null must reach validation). */
export function keepNull<T, R>(value: T | null | undefined, fn: (v: T) => R): R | null | undefined {
  return value === null || value === undefined ? (value as null | undefined) : fn(value);
}
