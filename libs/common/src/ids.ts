import { VigiaException } from './vigia.exception.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Ids are opaque to clients; a malformed one is bad input, named, before it reaches SQL. */
export function assertUuid(value: string, field: string): string {
  if (!isUuid(value)) throw VigiaException.invalid(field, 'must be an id returned by this API');
  return value;
}
