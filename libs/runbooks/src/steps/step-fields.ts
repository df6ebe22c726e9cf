import { HOST_NAME, httpUrl, int as wholeNumber, matching, rule, text as longText } from '#lib/common';
import { CIDR4, IFNAME, IPV4, parseDuration } from '../document/definition.js';

/**
 * Runbook step fields in the field-spec language of libs/common, worded as runbook authors have always read them.
 * A field is checked at save when its value is literal, and again after placeholders are substituted (dry-run, run).
 */

/** A short word (a method, a record type): non-empty, at most 200 characters, optionally one of a set. */
export function word(options: { oneOf?: readonly string[] } = {}) {
  return rule<string>((v) => {
    if (typeof v !== 'string' || v.length === 0 || v.length > 200) return 'must be a non-empty string of at most 200 characters';
    return options.oneOf && !options.oneOf.includes(v) ? `must be one of ${options.oneOf.join(', ')}` : undefined;
  });
}

export const text = () => longText({ max: 16_384, message: 'must be a string of at most 16 KiB' });

export const int = (min?: number, max?: number) => wholeNumber({ min, max });

/** A host of the tenant's inventory, by name or id (or a resolved `{ id }` from a placeholder). */
export const hostRef = () =>
  rule<string | { id: string }>((v) =>
    (v && typeof v === 'object' && 'id' in v) || (typeof v === 'string' && (HOST_NAME.test(v) || /^[0-9a-f-]{36}$/.test(v))) ? undefined : 'must name a host (its name or id)');

export const duration = (min?: number) =>
  rule<string>((v) => {
    const ms = parseDuration(v);
    if (ms === undefined || ms > 3_600_000) return 'must be a duration such as 500ms, 10s or 2m (at most 1h)';
    return min !== undefined && ms < min ? `must be at least ${min}ms` : undefined;
  });

/** A list of arguments or values (numbers are taken as their text). */
export const strings = (min?: number, max?: number) =>
  rule<(string | number)[]>((v) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) return 'must be a list of strings';
    if (min !== undefined && v.length < min) return `needs at least ${min} item(s)`;
    if (max !== undefined && v.length > max) return `may have at most ${max} items`;
    return v.some((x) => String(x).length > 4096) ? 'items may be at most 4096 characters' : undefined;
  });

export const ipv4 = () => matching(IPV4, 'an IPv4 address');
export const cidr = () => matching(CIDR4, 'an IPv4 address with a prefix length, e.g. 10.0.0.100/24');
export const ifname = () => matching(IFNAME, 'a network interface name');
export const mapping = () => rule<Record<string, unknown>>((v) => (v && typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be a mapping'));
export const url = () => httpUrl('must be an http(s) URL');
export { flag } from '#lib/common';
