import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { address, oneOf, port, refined, stringList, type SettingsOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { formatMs, libraryTimeoutMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str } from './probe.js';

/** c-ares error codes as the DNS response codes an operator knows. */
const RCODES: Record<string, string> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NOERROR',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  ENOTIMP: 'NOTIMP',
  EFORMERR: 'FORMERR',
};

const TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA', 'SRV', 'PTR', 'CAA'] as const;

/** Asks one given server (not the system resolver) for a name and type; checks the rcode and the answer set. */
export class DnsProbe implements Probe<DnsConfig> {
  readonly type = 'dns' as const;

  async check(target: ProbeTarget<DnsConfig>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const server = str(target.config, 'server')!;
    const port = num(target.config, 'port') ?? 53;
    const name = str(target.config, 'name')!;
    const type = (str(target.config, 'recordType') ?? 'A').toUpperCase();
    if (!(TYPES as readonly string[]).includes(type)) return { status: 'down', reason: `record type ${type} is not supported` };
    if (isIP(server) === 0) return { status: 'down', reason: `DNS server must be an IP address, got ${server}` };
    await egress.resolve(server, port);
    const wantedRcode = (str(target.config, 'rcode') ?? 'NOERROR').toUpperCase();
    const expected = (target.config.expect as string[] | undefined)?.map(normalize).sort();
    // A backstop: the runner's deadline decides, and its abort cancels the query.
    const resolver = new Resolver({ timeout: libraryTimeoutMs(target.timeoutMs), tries: 1 });
    resolver.setServers([isIP(server) === 6 ? `[${server}]:${port}` : `${server}:${port}`]);
    signal.addEventListener('abort', () => resolver.cancel(), { once: true });
    const started = performance.now();
    let answers: string[] = [];
    let rcode = 'NOERROR';
    try {
      answers = flatten(await resolver.resolve(name, type)).map(normalize).sort();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!(code in RCODES)) throw new Error(`DNS ${server}:${port} ${name}/${type}: ${code || String(error)}`, { cause: error });
      rcode = RCODES[code]!;
    }
    const latencyMs = performance.now() - started;
    const seen = `DNS ${server} answered ${name}/${type} ${rcode}${answers.length ? ` [${answers.join(', ')}]` : ''} in ${formatMs(latencyMs)}`;
    if (rcode !== wantedRcode) return { status: 'down', reason: `${seen}, expected ${wantedRcode}`, latencyMs, details: { rcode, answers } };
    if (expected && expected.join(',') !== answers.join(',')) {
      return { status: 'down', reason: `${seen}, expected [${expected.join(', ')}]`, latencyMs, details: { rcode, answers } };
    }
    return { status: 'up', reason: seen, latencyMs, details: { rcode, answers } };
  }
}

function flatten(records: unknown): string[] {
  if (!Array.isArray(records)) return [JSON.stringify(records)];
  return records.map((record) => {
    if (typeof record === 'string') return record;
    if (Array.isArray(record)) return record.join('');
    if (record && typeof record === 'object' && 'exchange' in record) return `${(record as { priority: number }).priority} ${(record as { exchange: string }).exchange}`;
    return JSON.stringify(record);
  });
}

function normalize(value: string): string {
  return value.trim().replace(/\.$/, '').toLowerCase();
}

const DNS_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA', 'SRV', 'PTR', 'CAA'] as const;
const DNS_RCODES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'NOTIMP', 'FORMERR'] as const;
/** What a dns monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const dnsConfig = {
  server: address(),
  port: port().optional(),
  name: address(),
  recordType: oneOf(DNS_TYPES, { ignoreCase: true }).optional(),
  expect: refined(stringList(), (v) => (v.length <= 32 ? undefined : 'may list at most 32 answers')).optional(),
  rcode: oneOf(DNS_RCODES, { ignoreCase: true }).optional(),
};

export type DnsConfig = SettingsOf<typeof dnsConfig>;

export const dnsProbeKind = defineProbe({
  type: 'dns',
  description: 'A DNS query to one given server: answer set and response code',
  config: dnsConfig,
  createRunner: () => new DnsProbe(),
});
