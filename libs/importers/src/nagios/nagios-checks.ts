import { parseArgs } from 'node:util';
import { intOf, isMapped, secondsToMs, statusCodes, type MappedCheck } from '../mapped-check.js';

/**
 * The standard monitoring plugins (monitoring-plugins.org) Vigia has a probe for, with their common arguments. The
 * target is `$HOSTADDRESS$` unless the check names another: then the probe's `host`/URL names it.
 */
type Plugin = (args: PluginArgs) => MappedCheck;

interface PluginArgs {
  readonly values: Record<string, string | boolean | undefined>;
  /** The monitor's host address, to leave `host` out when the check probes the host itself. */
  readonly hostAddress: string;
}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

const str = (values: PluginArgs['values'], key: string): string | undefined => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
const on = (values: PluginArgs['values'], key: string): boolean => values[key] !== undefined && values[key] !== false;
/** The probe's `host`, or undefined when the check probes the monitor's own host. */
const target = (args: PluginArgs, key = 'hostname'): string | undefined => {
  const host = str(args.values, key);
  return host && host !== args.hostAddress ? host : undefined;
};

const HTTP: Options = {
  hostname: { type: 'string', short: 'H' }, 'IP-address': { type: 'string', short: 'I' }, port: { type: 'string', short: 'p' },
  url: { type: 'string', short: 'u' }, ssl: { type: 'boolean', short: 'S' }, expect: { type: 'string', short: 'e' },
  string: { type: 'string', short: 's' }, regex: { type: 'string', short: 'r' }, eregi: { type: 'string', short: 'R' },
  warning: { type: 'string', short: 'w' }, critical: { type: 'string', short: 'c' }, timeout: { type: 'string', short: 't' },
  certificate: { type: 'string', short: 'C' }, method: { type: 'string', short: 'j' }, header: { type: 'string', short: 'k' },
  onredirect: { type: 'string', short: 'f' }, post: { type: 'string', short: 'P' }, authorization: { type: 'string', short: 'a' },
  sni: { type: 'boolean' }, 'no-body': { type: 'boolean', short: 'N' },
};

const http: Plugin = (args) => {
  const v = args.values;
  const notes: string[] = [];
  const secretsNeeded: string[] = [];
  const tls = on(v, 'ssl') || str(v, 'certificate') !== undefined;
  const hostPart = str(v, 'hostname') ?? str(v, 'IP-address') ?? args.hostAddress;
  const port = str(v, 'port');
  let path = str(v, 'url') ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const bracketed = hostPart.includes(':') ? `[${hostPart}]` : hostPart;
  const url = `${tls ? 'https' : 'http'}://${bracketed}${port ? `:${port}` : ''}${path}`;
  const expect = str(v, 'expect');
  const codes = expect ? statusCodes(expect.split(',')) : {};
  if (codes.note) notes.push(codes.note);
  const headers: Record<string, string> = {};
  const header = str(v, 'header');
  if (header && header.includes(':')) headers[header.slice(0, header.indexOf(':')).trim()] = header.slice(header.indexOf(':') + 1).trim();
  if (str(v, 'authorization')) {
    secretsNeeded.push('headers.Authorization');
    notes.push('basic authentication (-a): its credentials are not imported; give them as a secret reference');
  }
  const cert = str(v, 'certificate');
  const eregi = str(v, 'eregi');
  const redirect = str(v, 'onredirect');
  if (redirect && !['follow', 'sticky', 'stickyport', 'ok'].includes(redirect)) notes.push(`-f ${redirect}: Vigia follows redirects`);
  return {
    type: 'http',
    config: {
      url,
      method: str(v, 'method') ?? (str(v, 'post') !== undefined ? 'POST' : undefined),
      body: str(v, 'post'),
      headers: Object.keys(headers).length ? headers : undefined,
      expectedStatus: codes.codes,
      bodyContains: str(v, 'string'),
      bodyRegex: str(v, 'regex') ?? (eregi ? `(?i)${eregi}` : undefined),
      maxLatencyMs: secondsToMs(str(v, 'warning')),
      certExpiryWarnDays: cert ? intOf(cert.split(',')[0]) : undefined,
      followRedirects: redirect === 'ok' ? false : undefined,
    },
    timeoutMs: secondsToMs(str(v, 'timeout')),
    secretsNeeded,
    notes,
  };
};

const TCP: Options = {
  hostname: { type: 'string', short: 'H' }, port: { type: 'string', short: 'p' }, send: { type: 'string', short: 's' },
  expect: { type: 'string', short: 'e' }, timeout: { type: 'string', short: 't' }, ssl: { type: 'boolean', short: 'S' },
};

const tcp: Plugin = (args) => {
  const port = intOf(str(args.values, 'port'));
  if (!port) return { why: 'check_tcp without a port (-p)' };
  const notes = on(args.values, 'ssl') ? ['-S (TLS): the tcp probe connects without TLS'] : [];
  return {
    type: 'tcp',
    config: { host: target(args), port, send: str(args.values, 'send'), expect: str(args.values, 'expect') },
    timeoutMs: secondsToMs(str(args.values, 'timeout')),
    notes,
  };
};

const ssh: Plugin = (args) => ({
  type: 'tcp',
  config: { host: target(args), port: intOf(str(args.values, 'port')) ?? 22, expect: 'SSH-' },
  timeoutMs: secondsToMs(str(args.values, 'timeout')),
});

const MAIL: Options = {
  hostname: { type: 'string', short: 'H' }, port: { type: 'string', short: 'p' }, timeout: { type: 'string', short: 't' },
  starttls: { type: 'boolean', short: 'S' }, ssl: { type: 'boolean', short: 's' }, authuser: { type: 'string', short: 'U' },
  authpass: { type: 'string', short: 'P' }, fqdn: { type: 'string', short: 'F' },
};

/** check_smtp's -S is STARTTLS; check_imap/check_pop's -S is TLS from the start (--ssl), as in their --help. */
const mail = (type: 'smtp' | 'imap' | 'pop3', implicitTls: boolean): Plugin => (args) => {
  const v = args.values;
  const secretsNeeded = str(v, 'authpass') ? ['password'] : [];
  const tls = implicitTls || (type !== 'smtp' && on(v, 'starttls')) || on(v, 'ssl');
  return {
    type,
    config: {
      host: target(args),
      port: intOf(str(v, 'port')),
      starttls: type === 'smtp' && on(v, 'starttls') ? true : undefined,
      tls: tls ? true : undefined,
      username: str(v, 'authuser'),
      ehloName: type === 'smtp' ? str(v, 'fqdn') : undefined,
    },
    timeoutMs: secondsToMs(str(v, 'timeout')),
    secretsNeeded,
  };
};

const MYSQL: Options = {
  hostname: { type: 'string', short: 'H' }, port: { type: 'string', short: 'P' }, username: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'p' }, database: { type: 'string', short: 'd' }, 'check-slave': { type: 'boolean', short: 'S' },
  warning: { type: 'string', short: 'w' }, critical: { type: 'string', short: 'c' }, file: { type: 'string', short: 'f' },
  group: { type: 'string', short: 'g' },
};

const mysql: Plugin = (args) => {
  const v = args.values;
  const user = str(v, 'username');
  if (!user) return { why: 'check_mysql without a user (-u): the user may be in an option file (-f), which is not read' };
  return {
    type: 'mysql',
    config: {
      host: target(args), port: intOf(str(v, 'port')), user, database: str(v, 'database'),
      replica: on(v, 'check-slave') ? true : undefined,
      maxLagSeconds: on(v, 'check-slave') ? intOf(str(v, 'critical') ?? str(v, 'warning')) : undefined,
    },
    secretsNeeded: str(v, 'password') ? ['password'] : [],
  };
};

const DNS: Options = {
  hostname: { type: 'string', short: 'H' }, server: { type: 'string', short: 's' }, 'expected-address': { type: 'string', short: 'a' },
  querytype: { type: 'string', short: 'q' }, timeout: { type: 'string', short: 't' },
};

const dns: Plugin = (args) => {
  const v = args.values;
  const name = str(v, 'hostname');
  const server = str(v, 'server');
  if (!name) return { why: 'check_dns without a name to look up (-H)' };
  if (!server) return { why: 'check_dns without a server (-s): Vigia asks one given server, not the resolver of the machine' };
  return {
    type: 'dns',
    config: { server, name, recordType: str(v, 'querytype'), expect: str(v, 'expected-address')?.split(',').map((a) => a.trim()) },
    timeoutMs: secondsToMs(str(v, 'timeout')),
  };
};

const DIG: Options = {
  hostname: { type: 'string', short: 'H' }, port: { type: 'string', short: 'p' }, 'query_address': { type: 'string', short: 'l' },
  record_type: { type: 'string', short: 'T' }, expected_address: { type: 'string', short: 'a' }, timeout: { type: 'string', short: 't' },
};

const dig: Plugin = (args) => {
  const v = args.values;
  const name = str(v, 'query_address');
  if (!name) return { why: 'check_dig without a name to look up (-l)' };
  return {
    type: 'dns',
    config: {
      server: str(v, 'hostname') ?? args.hostAddress, port: intOf(str(v, 'port')), name, recordType: str(v, 'record_type'),
      expect: str(v, 'expected_address')?.split(',').map((a) => a.trim()),
    },
    timeoutMs: secondsToMs(str(v, 'timeout')),
  };
};

const PING: Options = {
  hostname: { type: 'string', short: 'H' }, packets: { type: 'string', short: 'p' }, warning: { type: 'string', short: 'w' },
  critical: { type: 'string', short: 'c' }, timeout: { type: 'string', short: 't' },
};

const ping: Plugin = (args) => {
  const packets = intOf(str(args.values, 'packets'));
  return { type: 'icmp', config: { host: target(args), count: packets ? Math.min(10, Math.max(1, packets)) : undefined } };
};

const BY_SSH: Options = {
  hostname: { type: 'string', short: 'H' }, port: { type: 'string', short: 'p' }, logname: { type: 'string', short: 'l' },
  command: { type: 'string', short: 'C' }, timeout: { type: 'string', short: 't' }, identity: { type: 'string', short: 'i' },
};

const bySsh: Plugin = (args) => {
  const v = args.values;
  const command = str(v, 'command');
  if (!command) return { why: 'check_by_ssh without a command (-C)' };
  const notes = target(args) ? [`check_by_ssh runs on ${str(v, 'hostname')}: the ssh monitor runs on its host's address`] : [];
  if (str(v, 'identity')) notes.push('the identity file (-i) is not imported: give the host an SSH credential');
  return {
    type: 'ssh',
    config: { port: intOf(str(v, 'port')), user: str(v, 'logname'), command, expectExitCode: 0 },
    timeoutMs: secondsToMs(str(v, 'timeout')),
    notes,
  };
};

/** Plugin (the program's base name) → its options and mapping. */
const PLUGINS: Record<string, { options: Options; map: Plugin }> = {
  check_http: { options: HTTP, map: http },
  check_curl: { options: HTTP, map: http },
  check_tcp: { options: TCP, map: tcp },
  check_ssh: { options: TCP, map: ssh },
  check_smtp: { options: MAIL, map: mail('smtp', false) },
  check_ssmtp: { options: MAIL, map: mail('smtp', true) },
  check_imap: { options: MAIL, map: mail('imap', false) },
  check_simap: { options: MAIL, map: mail('imap', true) },
  check_pop: { options: MAIL, map: mail('pop3', false) },
  check_spop: { options: MAIL, map: mail('pop3', true) },
  check_mysql: { options: MYSQL, map: mysql },
  check_dns: { options: DNS, map: dns },
  check_dig: { options: DIG, map: dig },
  check_ping: { options: PING, map: ping },
  check_icmp: { options: PING, map: ping },
  check_fping: { options: PING, map: ping },
  check_by_ssh: { options: BY_SSH, map: bySsh },
};

/** Maps a plugin command line (already split into words, macros replaced) to a probe. */
export function mapPluginCommand(words: readonly string[], hostAddress: string): MappedCheck {
  const program = words[0]?.split('/').pop() ?? '';
  const plugin = PLUGINS[program];
  if (!plugin) return { why: `plugin ${program || '(none)'} has no Vigia probe (mapped: ${Object.keys(PLUGINS).join(', ')})` };
  const { values } = parseArgs({ args: [...words.slice(1)], options: plugin.options, strict: false, allowPositionals: true });
  const mapped = plugin.map({ values: values as PluginArgs['values'], hostAddress });
  if (isMapped(mapped)) {
    const known = new Set(Object.keys(plugin.options));
    const ignored = Object.keys(values).filter((k) => !known.has(k));
    if (ignored.length) return { ...mapped, notes: [...(mapped.notes ?? []), `${program} options not understood: ${ignored.map((k) => (k.length === 1 ? `-${k}` : `--${k}`)).join(' ')}`] };
  }
  return mapped;
}
