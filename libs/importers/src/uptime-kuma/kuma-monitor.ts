import { isIpLiteral, statusCodes, type MappedCheck } from '../mapped-check.js';

/**
 * One Uptime Kuma monitor as both sources give it: the 1.x JSON backup (`monitor.toJSON()`, camelCase) and the 2.x
 * database (`monitor` table, snake_case). `pick` reads whichever name the row has.
 */
export interface KumaMonitor {
  id: number;
  name: string;
  type: string;
  active: boolean;
  intervalS: number;
  timeoutS?: number;
  parent?: number;
  url?: string;
  hostname?: string;
  port?: number;
  method?: string;
  headers?: string;
  body?: string;
  keyword?: string;
  invertKeyword: boolean;
  jsonPath?: string;
  expectedValue?: string;
  acceptedStatusCodes: string[];
  ignoreTls: boolean;
  upsideDown: boolean;
  maxRedirects?: number;
  dnsServer?: string;
  dnsType?: string;
  connectionString?: string;
  databaseQuery?: string;
  hasBasicAuth: boolean;
  smtpSecurity?: string;
}

type Row = Record<string, unknown>;

const pick = (row: Row, ...names: string[]): unknown => names.map((n) => row[n]).find((v) => v !== undefined && v !== null && v !== '');
const str = (row: Row, ...names: string[]): string | undefined => {
  const v = pick(row, ...names);
  return v === undefined ? undefined : String(v);
};
const num = (row: Row, ...names: string[]): number | undefined => {
  const v = Number(pick(row, ...names));
  return Number.isFinite(v) && pick(row, ...names) !== undefined ? v : undefined;
};
const bool = (row: Row, ...names: string[]): boolean => {
  const v = pick(row, ...names);
  return v === true || v === 1 || v === '1' || v === 'true';
};

export function kumaMonitorOf(row: Row): KumaMonitor {
  const codes = pick(row, 'accepted_statuscodes', 'accepted_statuscodes_json');
  const parsedCodes = Array.isArray(codes) ? codes.map(String) : typeof codes === 'string' ? safeJsonList(codes) : [];
  return {
    id: num(row, 'id') ?? 0,
    name: str(row, 'name') ?? `monitor ${String(row.id)}`,
    type: str(row, 'type') ?? '',
    active: pick(row, 'active') === undefined ? true : bool(row, 'active'),
    intervalS: num(row, 'interval') ?? 60,
    timeoutS: num(row, 'timeout'),
    parent: num(row, 'parent'),
    url: str(row, 'url'),
    hostname: str(row, 'hostname'),
    port: num(row, 'port'),
    method: str(row, 'method'),
    headers: str(row, 'headers'),
    body: str(row, 'body'),
    keyword: str(row, 'keyword'),
    invertKeyword: bool(row, 'invertKeyword', 'invert_keyword'),
    jsonPath: str(row, 'jsonPath', 'json_path'),
    expectedValue: str(row, 'expectedValue', 'expected_value'),
    acceptedStatusCodes: parsedCodes,
    ignoreTls: bool(row, 'ignoreTls', 'ignore_tls'),
    upsideDown: bool(row, 'upsideDown', 'upside_down'),
    maxRedirects: num(row, 'maxredirects'),
    dnsServer: str(row, 'dns_resolve_server'),
    dnsType: str(row, 'dns_resolve_type'),
    connectionString: str(row, 'databaseConnectionString', 'database_connection_string'),
    databaseQuery: str(row, 'databaseQuery', 'database_query'),
    hasBasicAuth: Boolean(pick(row, 'basic_auth_pass')),
    smtpSecurity: str(row, 'smtpSecurity', 'smtp_security'),
  };
}

function safeJsonList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

/** The host a monitor targets (URL host or hostname), or undefined. */
export function kumaTarget(m: KumaMonitor): string | undefined {
  if (m.type === 'mysql' && m.connectionString) return connection(m.connectionString)?.host;
  if (m.url && /^https?:\/\//i.test(m.url) && ['http', 'keyword', 'json-query'].includes(m.type)) {
    try {
      return new URL(m.url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return undefined;
    }
  }
  if (m.type === 'dns') return m.dnsServer;
  return m.hostname;
}

const SIMPLE_PATH = /^\$?\.?[A-Za-z_][\w]*(\.[A-Za-z_][\w]*|\[\d+\])*$/;

/** Kuma monitor types Vigia's probes do, with what they assert; the others say why not. */
export function mapKumaMonitor(m: KumaMonitor): MappedCheck {
  const notes: string[] = [];
  if (m.upsideDown) return { why: 'upside-down mode (up when the check fails) is not something Vigia does' };
  const hostSetting = (host: string | undefined) => (host && !isIpLiteral(host) ? host : undefined);
  switch (m.type) {
    case 'http':
    case 'keyword':
    case 'json-query': {
      if (!m.url) return { why: 'no URL' };
      const status = statusCodes(m.acceptedStatusCodes);
      if (status.note) notes.push(status.note);
      const secretsNeeded = m.hasBasicAuth ? ['headers.Authorization'] : [];
      if (m.hasBasicAuth) notes.push('basic authentication: its credentials are not imported; give them as a secret reference');
      const config: Record<string, unknown> = {
        url: m.url, method: m.method && m.method !== 'GET' ? m.method : undefined, body: m.body || undefined,
        headers: headersOf(m.headers, notes), expectedStatus: status.codes,
        followRedirects: m.maxRedirects === 0 ? false : undefined, tlsVerify: m.ignoreTls ? false : undefined,
      };
      if (m.type === 'keyword') {
        if (m.invertKeyword) return { why: 'an inverted keyword (up when the text is absent) is not something Vigia asserts' };
        config.bodyContains = m.keyword;
      }
      if (m.type === 'json-query') {
        // Kuma evaluates JSONata; a plain path is the part Vigia's JSON path reads.
        if (!m.jsonPath || !SIMPLE_PATH.test(m.jsonPath)) return { why: `JSONata expression ${m.jsonPath ?? '(none)'} is not a plain JSON path` };
        config.jsonPath = m.jsonPath.startsWith('$') ? m.jsonPath : `$.${m.jsonPath}`;
        config.jsonEquals = m.expectedValue;
      }
      return { type: 'http', config, secretsNeeded, notes };
    }
    case 'port':
      if (!m.port) return { why: 'a port monitor without a port' };
      return { type: 'tcp', config: { host: hostSetting(m.hostname), port: m.port } };
    case 'ping':
      return { type: 'icmp', config: { host: hostSetting(m.hostname) } };
    case 'dns':
      if (!m.dnsServer || !m.hostname) return { why: 'a DNS monitor needs a resolver server and a name' };
      return { type: 'dns', config: { server: m.dnsServer, port: m.port && m.port !== 53 ? m.port : undefined, name: m.hostname, recordType: m.dnsType } };
    case 'smtp':
      return {
        type: 'smtp',
        config: { host: hostSetting(m.hostname), port: m.port, tls: m.smtpSecurity === 'secure' ? true : undefined, starttls: m.smtpSecurity === 'starttls' ? true : undefined },
      };
    case 'mysql': {
      const c = m.connectionString ? connection(m.connectionString) : undefined;
      if (!c?.user) return { why: 'a MySQL monitor whose connection string has no user' };
      return {
        type: 'mysql',
        config: { host: hostSetting(c.host), port: c.port, user: c.user, database: c.database, query: m.databaseQuery },
        secretsNeeded: c.hasPassword ? ['password'] : [],
      };
    }
    case 'push':
      return { why: 'push monitors wait for the target to call in; Vigia probes its targets itself' };
    default:
      return { why: `Kuma's ${m.type} monitors have no Vigia probe` };
  }
}

function headersOf(text: string | undefined, notes: string[]): Record<string, string> | undefined {
  if (!text?.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  } catch {
    // reported below
  }
  notes.push('its headers are not a JSON object and were left out');
  return undefined;
}

/** `mysql://user:pass@host:3306/db`: the parts Vigia needs; the password only as "there is one". */
function connection(url: string): { user?: string; host?: string; port?: number; database?: string; hasPassword: boolean } | undefined {
  try {
    const u = new URL(url);
    return {
      user: decodeURIComponent(u.username) || undefined, host: u.hostname.replace(/^\[|\]$/g, '') || undefined,
      port: u.port ? Number(u.port) : undefined, database: u.pathname.replace(/^\//, '') || undefined, hasPassword: Boolean(u.password),
    };
  } catch {
    return undefined;
  }
}
