import { z } from 'zod';
import { int, matching, rule } from '#lib/common';
import { isDnsName } from '#lib/executors';

/**
 * Fields only resource kinds use, in the field-spec language of libs/common. Their words are the ones the API has
 * always given for resources (`must be an integer from 1 to 65535`), so the operator's messages did not change.
 */

/** A bounded whole number, worded as one range. */
export function intRange(min: number, max: number): z.ZodNumber {
  return int({ min, max, message: `must be an integer from ${min} to ${max}` });
}

/** A DNS name, or `@` for the zone apex. */
export function dnsName(): z.ZodType<string> {
  return rule<string>((v) => (typeof v === 'string' && (v === '@' || isDnsName(v)) ? undefined : 'must be a DNS name'));
}

/** An absolute path on a member; no `..` tricks beyond the character set, no leading `-` (it is a command argument). */
export function absolutePath(what: string): z.ZodType<string> {
  return matching(/^\/[A-Za-z0-9_./-]{1,200}$/, what);
}

/** Fields that name a host of the tenant: looked up at save, so a stranger's host id is refused by name. */
const hostRefs = new WeakSet<z.ZodType>();

/** A host id (a uuid) of the tenant, e.g. where `nsupdate` runs or the IPVS director. */
export function hostRef(what: string): z.ZodType<string> {
  const schema = matching(/^[0-9a-f-]{36}$/, what);
  hostRefs.add(schema);
  return schema;
}

export function isHostRef(schema: z.ZodType): boolean {
  return hostRefs.has(schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema);
}

/** Every kind: how long a flapping primary (or pool member) must stay down before its automatic run (default 60 s). */
export const flapStableSeconds = intRange(0, 3600).optional();
