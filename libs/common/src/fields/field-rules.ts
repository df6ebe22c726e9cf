import { isIP } from 'node:net';

/**
 * The one host-name rule (RFC 1123 labels, at most 253 characters, a trailing dot allowed): monitor targets, host
 * inputs, resource settings and runbook host references all use it, so a name one form accepts another does not refuse.
 */
export const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export function isHostName(value: unknown): value is string {
  return typeof value === 'string' && HOST_NAME.test(value);
}

/** An IP address literal or a host name: where a monitor, channel or resource connects. */
export function isAddress(value: unknown): value is string {
  return typeof value === 'string' && (isIP(value) !== 0 || HOST_NAME.test(value));
}

/** The one URL rule: http or https, parsed by WHATWG URL (what fetch will do with it), at most 2048 characters. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
