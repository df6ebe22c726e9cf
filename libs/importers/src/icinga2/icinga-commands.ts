import { intOf, isIpLiteral, statusCodes, type MappedCheck } from '../mapped-check.js';

/** A custom variable as the check sees it (service vars over host vars, macros resolved). */
export type VarLookup = (name: string) => unknown;

const s = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));
const on = (v: unknown): boolean => v === true || v === 'true' || v === 1;

/**
 * The Icinga Template Library's plugin commands (icinga.com/docs/icinga-2/latest/doc/10-icinga-template-library) that
 * Vigia has a probe for, read from the variables the ITL documents for each.
 */
export function mapItlCommand(command: string, vars: VarLookup, hostAddress: string): MappedCheck {
  // A probe's `host` names another target only; the host's own address is the default.
  const other = (v: unknown): string | undefined => {
    const a = s(v);
    return a && a !== hostAddress ? a : undefined;
  };
  switch (command) {
    case 'hostalive':
    case 'hostalive4':
    case 'hostalive6':
    case 'ping':
    case 'ping4':
    case 'ping6':
    case 'icmp': {
      const packets = intOf(s(vars('ping_packets')) ?? s(vars('icmp_packets')));
      return { type: 'icmp', config: { host: other(vars('ping_address') ?? vars('icmp_address')), count: packets ? Math.min(10, Math.max(1, packets)) : undefined } };
    }
    case 'http': {
      const notes: string[] = [];
      const tls = on(vars('http_ssl'));
      const host = s(vars('http_vhost')) ?? s(vars('http_address')) ?? hostAddress;
      const port = s(vars('http_port'));
      let uri = s(vars('http_uri')) ?? '/';
      if (!uri.startsWith('/')) uri = `/${uri}`;
      const expect = s(vars('http_expect'));
      const codes = expect ? statusCodes(expect.split(',')) : {};
      if (codes.note) notes.push(codes.note);
      const cert = s(vars('http_certificate'));
      const secretsNeeded = s(vars('http_auth_pair')) ? ['headers.Authorization'] : [];
      if (secretsNeeded.length) notes.push('http_auth_pair: its credentials are not imported; give them as a secret reference');
      const headers = vars('http_header');
      const headerList = Array.isArray(headers) ? headers.map(String) : s(headers) ? [String(headers)] : [];
      const url = `${tls ? 'https' : 'http'}://${host.includes(':') && isIpLiteral(host) ? `[${host}]` : host}${port ? `:${port}` : ''}${uri}`;
      return {
        type: 'http',
        config: {
          url,
          method: s(vars('http_method')),
          headers: headerList.length ? Object.fromEntries(headerList.filter((h) => h.includes(':')).map((h) => [h.slice(0, h.indexOf(':')).trim(), h.slice(h.indexOf(':') + 1).trim()])) : undefined,
          expectedStatus: codes.codes,
          bodyContains: s(vars('http_string')),
          bodyRegex: s(vars('http_expect_body_regex')),
          maxLatencyMs: s(vars('http_warn_time')) ? Math.round(Number(vars('http_warn_time')) * 1000) : undefined,
          certExpiryWarnDays: cert ? intOf(cert.split(',')[0]) : undefined,
          followRedirects: s(vars('http_onredirect')) === 'ok' ? false : undefined,
          tlsVerify: undefined,
        },
        timeoutMs: s(vars('http_timeout')) ? Number(vars('http_timeout')) * 1000 : undefined,
        secretsNeeded,
        notes,
      };
    }
    case 'tcp': {
      const port = intOf(s(vars('tcp_port')));
      if (!port) return { why: 'tcp without tcp_port' };
      return { type: 'tcp', config: { host: other(vars('tcp_address')), port, send: s(vars('tcp_send')), expect: s(vars('tcp_expect')) } };
    }
    case 'ssh':
      return { type: 'tcp', config: { host: other(vars('ssh_address')), port: intOf(s(vars('ssh_port'))) ?? 22, expect: 'SSH-' } };
    case 'smtp':
      return { type: 'smtp', config: { host: other(vars('smtp_address')), port: intOf(s(vars('smtp_port'))), starttls: on(vars('smtp_starttls')) ? true : undefined } };
    case 'ssmtp':
      return { type: 'smtp', config: { host: other(vars('ssmtp_address')), port: intOf(s(vars('ssmtp_port'))) ?? 465, tls: true } };
    case 'imap':
      return { type: 'imap', config: { host: other(vars('imap_address')), port: intOf(s(vars('imap_port'))), tls: on(vars('imap_ssl')) ? true : undefined } };
    case 'simap':
      return { type: 'imap', config: { host: other(vars('simap_address')), port: intOf(s(vars('simap_port'))) ?? 993, tls: true } };
    case 'pop':
      return { type: 'pop3', config: { host: other(vars('pop_address')), port: intOf(s(vars('pop_port'))), tls: on(vars('pop_ssl')) ? true : undefined } };
    case 'spop':
      return { type: 'pop3', config: { host: other(vars('spop_address')), port: intOf(s(vars('spop_port'))) ?? 995, tls: true } };
    case 'mysql': {
      const user = s(vars('mysql_username'));
      if (!user) return { why: 'mysql without mysql_username (an option file is not read)' };
      const replica = on(vars('mysql_check_slave'));
      return {
        type: 'mysql',
        config: {
          host: other(vars('mysql_hostname')), port: intOf(s(vars('mysql_port'))), user, database: s(vars('mysql_database')),
          replica: replica ? true : undefined, maxLagSeconds: replica ? intOf(s(vars('mysql_critical'))) : undefined,
        },
        secretsNeeded: s(vars('mysql_password')) ? ['password'] : [],
      };
    }
    case 'dns': {
      const name = s(vars('dns_lookup'));
      const server = s(vars('dns_server'));
      if (!name) return { why: 'dns without dns_lookup' };
      if (!server) return { why: 'dns without dns_server: Vigia asks one given server, not the resolver of the machine' };
      const answers = vars('dns_expected_answers');
      return {
        type: 'dns',
        config: { server, name, recordType: s(vars('dns_query_type')), expect: Array.isArray(answers) ? answers.map(String) : s(answers)?.split(',').map((a) => a.trim()) },
      };
    }
    case 'dig': {
      const name = s(vars('dig_lookup'));
      if (!name) return { why: 'dig without dig_lookup' };
      return { type: 'dns', config: { server: s(vars('dig_server')) ?? hostAddress, port: intOf(s(vars('dig_port'))), name, recordType: s(vars('dig_record_type')) } };
    }
    case 'by_ssh': {
      const command = s(vars('by_ssh_command'));
      if (!command) return { why: 'by_ssh without by_ssh_command' };
      const args = vars('by_ssh_arguments');
      const notes = args ? ['by_ssh_arguments are not imported: put them in by_ssh_command'] : [];
      return { type: 'ssh', config: { port: intOf(s(vars('by_ssh_port'))), user: s(vars('by_ssh_logname')), command, expectExitCode: 0 }, notes };
    }
    default:
      return { why: `check command ${command} has no Vigia probe (mapped: hostalive, ping4/6, http, tcp, ssh, smtp, ssmtp, imap, simap, pop, spop, mysql, dns, dig, by_ssh)` };
  }
}
