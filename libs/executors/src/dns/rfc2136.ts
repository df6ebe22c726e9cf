import { Resolver } from 'node:dns/promises';

export interface TsigKey {
  name: string;
  algorithm: string;
  /** base64, as in BIND's `key { secret "…"; }`. */
  secret: string;
}

export interface RecordSetChange {
  server: string;
  port: number;
  zone: string;
  /** Fully qualified or relative to the zone. */
  name: string;
  type: 'A' | 'AAAA' | 'CNAME';
  ttl: number;
  values: string[];
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isDnsName(name: string): boolean {
  const trimmed = name.replace(/\.$/, '');
  return trimmed.length > 0 && trimmed.length <= 253 && trimmed.split('.').every((label) => LABEL.test(label) || label === '*');
}

export function fqdn(name: string, zone: string): string {
  const z = zone.replace(/\.$/, '');
  if (name === '@') return `${z}.`;
  if (name.endsWith('.')) return name;
  // No zone (a CNAME's target): the name is already complete.
  if (!z) return `${name}.`;
  return name === z || name.endsWith(`.${z}`) ? `${name}.` : `${name}.${z}.`;
}

/**
 * The nsupdate(1) script for one RRset replacement: delete the set, add the new values, one UPDATE message (RFC 2136:
 * the server applies it atomically). Every value is checked first, so nothing can add a line to the script. The TSIG
 * key goes in the script (stdin), never on the command line.
 */
export function nsupdateScript(change: RecordSetChange, key?: TsigKey): string {
  if (!isDnsName(change.zone)) throw new Error(`zone ${JSON.stringify(change.zone)} is not a DNS name`);
  const name = fqdn(change.name, change.zone);
  if (!isDnsName(name)) throw new Error(`name ${JSON.stringify(change.name)} is not a DNS name`);
  for (const value of change.values) if (!validValue(change.type, value)) throw new Error(`${JSON.stringify(value)} is not a valid ${change.type} value`);
  if (!/^[0-9A-Za-z.:-]+$/.test(change.server)) throw new Error(`server ${JSON.stringify(change.server)} is not an address`);
  const lines = [`server ${change.server} ${change.port}`, `zone ${change.zone.replace(/\.$/, '')}.`];
  if (key) {
    if (!/^[A-Za-z0-9-]+$/.test(key.algorithm) || !isDnsName(key.name) || !/^[A-Za-z0-9+/=]+$/.test(key.secret)) throw new Error('the TSIG key is malformed');
    lines.push(`key ${key.algorithm}:${key.name} ${key.secret}`);
  }
  lines.push(`update delete ${name} ${change.type}`);
  for (const value of change.values) lines.push(`update add ${name} ${change.ttl} ${change.type} ${value}`);
  lines.push('send', '');
  return lines.join('\n');
}

function validValue(type: RecordSetChange['type'], value: string): boolean {
  if (type === 'A') return /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(value);
  if (type === 'AAAA') return /^[0-9a-fA-F:]+$/.test(value) && value.includes(':');
  return isDnsName(value);
}

/** Asks the authoritative server itself (not a cache) what the RRset holds now. */
export async function queryAuthoritative(server: string, port: number, name: string, type: RecordSetChange['type'], timeoutMs: number): Promise<string[]> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server.includes(':') ? `[${server}]:${port}` : `${server}:${port}`]);
  try {
    const answers = type === 'A' ? await resolver.resolve4(name) : type === 'AAAA' ? await resolver.resolve6(name) : await resolver.resolveCname(name);
    return answers.map((a) => a.replace(/\.$/, '')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENODATA' || (error as NodeJS.ErrnoException).code === 'ENOTFOUND') return [];
    throw error;
  }
}
