import { isIP } from 'node:net';
import { userPatternProblem, VigiaException } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { ProbeType } from './entities/enums.js';

type FieldKind = 'string' | 'int' | 'bool' | 'port' | 'host' | 'url' | 'regex' | 'string[]' | 'int[]' | 'headers';

interface ConfigSchema {
  required: string[];
  fields: Record<string, FieldKind>;
}

export const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

const target = { host: 'host', port: 'port' } as const;
const login = { username: 'string', password: 'string' } as const;

/**
 * What each probe type accepts. Unknown keys are refused, so a misspelt "expectedStatus" cannot silently turn an
 * assertion off. The probes issue refines semantics; the shape is checked here, at save time.
 */
const SCHEMAS: Record<ProbeType, ConfigSchema> = {
  [ProbeType.http]: {
    required: ['url'],
    fields: {
      url: 'url', method: 'string', headers: 'headers', body: 'string', expectedStatus: 'int[]', bodyContains: 'string',
      bodyRegex: 'regex', jsonPath: 'string', jsonEquals: 'string', maxLatencyMs: 'int', followRedirects: 'bool',
      maxRedirects: 'int', tlsVerify: 'bool', certExpiryWarnDays: 'int',
    },
  },
  [ProbeType.tcp]: { required: ['port'], fields: { ...target, send: 'string', expect: 'string', bannerRegex: 'regex' } },
  [ProbeType.icmp]: { required: [], fields: { host: 'host', count: 'int' } },
  [ProbeType.dns]: {
    required: ['server', 'name'],
    fields: { server: 'host', port: 'port', name: 'host', recordType: 'string', expect: 'string[]', rcode: 'string' },
  },
  [ProbeType.smtp]: { required: [], fields: { ...target, starttls: 'bool', tls: 'bool', tlsVerify: 'bool', ...login, ehloName: 'host' } },
  [ProbeType.imap]: { required: [], fields: { ...target, starttls: 'bool', tls: 'bool', tlsVerify: 'bool', ...login, mailbox: 'string' } },
  [ProbeType.pop3]: { required: [], fields: { ...target, starttls: 'bool', tls: 'bool', tlsVerify: 'bool', ...login } },
  [ProbeType.mail_roundtrip]: {
    required: ['from', 'to'],
    fields: {
      smtpHost: 'host', smtpPort: 'port', imapHost: 'host', imapPort: 'port', from: 'string', to: 'string',
      ...login, mailbox: 'string', deadlineMs: 'int', tls: 'bool', starttls: 'bool', tlsVerify: 'bool',
    },
  },
  [ProbeType.mysql]: {
    required: ['user'],
    fields: { ...target, user: 'string', password: 'string', database: 'string', query: 'string', replica: 'bool', writable: 'bool', maxLagSeconds: 'int' },
  },
  [ProbeType.ssh]: {
    required: ['command'],
    fields: { port: 'port', user: 'string', command: 'string', expectExitCode: 'int', outputContains: 'string', outputRegex: 'regex' },
  },
};

const MAX_CONFIG_BYTES = 16 * 1024;

const DNS_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA', 'SRV', 'PTR', 'CAA'];
const DNS_RCODES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'NOTIMP', 'FORMERR'];
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Documented ranges and sets beyond the field's shape (docs/monitors.md): anything else is refused, not clamped. */
const REFINEMENTS: Record<string, (value: unknown) => string | undefined> = {
  'http.expectedStatus': (v) => ((v as number[]).length >= 1 && (v as number[]).length <= 20 && (v as number[]).every((c) => c >= 100 && c <= 599) ? undefined : 'must list 1 to 20 HTTP status codes from 100 to 599'),
  // A CR or LF in a value would be a second header line (request splitting); NUL is never valid.
  'http.headers': (v) => (Object.values(v as Record<string, string>).every((h) => !/[\r\n\0]/.test(h) && h.length <= 4096) ? undefined : 'header values may not contain CR, LF or NUL (at most 4096 characters)'),
  'http.method': (v) => (HTTP_METHODS.includes(String(v).toUpperCase()) ? undefined : `must be one of ${HTTP_METHODS.join(', ')}`),
  'http.maxRedirects': (v) => ((v as number) <= 20 ? undefined : 'must be at most 20'),
  'icmp.count': (v) => ((v as number) >= 1 && (v as number) <= 10 ? undefined : 'must be from 1 to 10'),
  'dns.recordType': (v) => (DNS_TYPES.includes(String(v).toUpperCase()) ? undefined : `must be one of ${DNS_TYPES.join(', ')}`),
  'dns.rcode': (v) => (DNS_RCODES.includes(String(v).toUpperCase()) ? undefined : `must be one of ${DNS_RCODES.join(', ')}`),
  'dns.expect': (v) => ((v as string[]).length <= 32 ? undefined : 'may list at most 32 answers'),
};

function checkValue(kind: FieldKind, value: unknown): string | undefined {
  switch (kind) {
    case 'string':
      return typeof value === 'string' && value.length <= 4096 ? undefined : 'must be a string of at most 4096 characters';
    case 'int':
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : 'must be a whole number ≥ 0';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'port':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535 ? undefined : 'must be a port from 1 to 65535';
    case 'host':
      return typeof value === 'string' && (isIP(value) !== 0 || HOSTNAME.test(value)) ? undefined : 'must be an IP address or a host name';
    case 'url':
      return isHttpUrl(value) ? undefined : 'must be an http:// or https:// URL';
    case 'regex':
      return userPatternProblem(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'must be a list of strings';
    case 'int[]':
      return Array.isArray(value) && value.every((v) => Number.isInteger(v)) ? undefined : 'must be a list of whole numbers';
    case 'headers':
      return isStringMap(value) ? undefined : 'must be an object of header names to string values';
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isStringMap(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.entries(value).every(([k, v]) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/.test(k) && typeof v === 'string')
  );
}

/**
 * Throws VALIDATION_FAILED naming `config.<key>` for the first problem found. With `egress`, an address literal the
 * egress policy refuses (a `host`, a DNS `server`, a URL's host) is refused here, at save, not only when probing.
 */
export function validateMonitorConfig(type: ProbeType, config: Record<string, unknown>, field = 'input.config', egress?: EgressGuard): void {
  if (Buffer.byteLength(JSON.stringify(config)) > MAX_CONFIG_BYTES) throw VigiaException.invalid(field, `is larger than ${MAX_CONFIG_BYTES} bytes`);
  const schema = SCHEMAS[type];
  for (const key of Object.keys(config)) {
    // Own keys only: `constructor` or `__proto__` must not find Object.prototype's members.
    const kind = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    if (!kind) throw VigiaException.invalid(`${field}.${key}`, `is not a setting of a ${type} monitor`);
    const problem = checkValue(kind, config[key]);
    if (problem) throw VigiaException.invalid(`${field}.${key}`, problem);
    const refined = REFINEMENTS[`${type}.${key}`]?.(config[key]);
    if (refined) throw VigiaException.invalid(`${field}.${key}`, refined);
    const refused = egress && (kind === 'host' ? egress.literalRefusal(config[key] as string) : kind === 'url' ? egress.urlRefusal(config[key] as string) : undefined);
    if (refused) throw VigiaException.invalid(`${field}.${key}`, refused);
  }
  for (const key of schema.required) {
    if (config[key] === undefined) throw VigiaException.invalid(`${field}.${key}`, `is required for a ${type} monitor`);
  }
}
