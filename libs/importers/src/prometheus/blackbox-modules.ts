import { hostPortOf, isIpLiteral, statusCodes, type MappedCheck } from '../mapped-check.js';
import { asString, durationMs, isRecord } from '../yaml-source.js';

/** A blackbox_exporter module applied to one target (`https://…`, `host:port`, `host`). */
export function mapBlackboxModule(module: Record<string, unknown>, target: string): MappedCheck {
  const prober = asString(module.prober);
  const timeoutMs = durationMs(module.timeout);
  const mapped = PROBERS[prober ?? '']?.(module, target);
  if (!mapped) return { why: `prober ${prober ?? '(none)'} has no Vigia probe (mapped: ${Object.keys(PROBERS).join(', ')})` };
  return 'why' in mapped ? mapped : { ...mapped, timeoutMs: mapped.timeoutMs ?? timeoutMs };
}

type Prober = (module: Record<string, unknown>, target: string) => MappedCheck;

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

const http: Prober = (module, target) => {
  const h = isRecord(module.http) ? module.http : {};
  const notes: string[] = [];
  const secretsNeeded: string[] = [];
  const url = /^https?:\/\//i.test(target) ? target : `http://${target}`;
  const codes = list(h.valid_status_codes);
  const status = codes.length ? statusCodes(codes) : {};
  if (status.note) notes.push(status.note);
  const matches = list(h.fail_if_body_not_matches_regexp);
  if (matches.length > 1) notes.push(`fail_if_body_not_matches_regexp: only the first of ${matches.length} patterns is asserted`);
  if (list(h.fail_if_body_matches_regexp).length) notes.push('fail_if_body_matches_regexp (a pattern that must not match) is not asserted');
  if (h.fail_if_not_ssl === true && !url.startsWith('https')) notes.push('fail_if_not_ssl: the target is not https');
  if (isRecord(h.basic_auth) || h.bearer_token || h.bearer_token_file) {
    secretsNeeded.push('headers.Authorization');
    notes.push('its credentials (basic_auth, bearer_token) are not imported: give them as a secret reference');
  }
  const tls = isRecord(h.tls_config) ? h.tls_config : {};
  return {
    type: 'http',
    config: {
      url,
      method: asString(h.method),
      body: asString(h.body),
      headers: isRecord(h.headers) && Object.keys(h.headers).length ? Object.fromEntries(Object.entries(h.headers).map(([k, v]) => [k, String(v)])) : undefined,
      expectedStatus: status.codes,
      bodyRegex: matches[0],
      followRedirects: h.no_follow_redirects === true || h.follow_redirects === false ? false : undefined,
      tlsVerify: tls.insecure_skip_verify === true ? false : undefined,
    },
    secretsNeeded,
    notes,
  };
};

const tcp: Prober = (module, target) => {
  const t = isRecord(module.tcp) ? module.tcp : {};
  const { host, port } = hostPortOf(target);
  if (!port) return { why: `tcp target ${target} without a port` };
  const steps = Array.isArray(t.query_response) ? t.query_response.filter(isRecord) : [];
  const notes: string[] = [];
  const name = isIpLiteral(host) ? undefined : host;
  // STARTTLS in the dialogue, or TLS from the start on a mail port: the mail probes speak those protocols properly.
  if (steps.some((s) => s.starttls === true)) return { type: port === 143 ? 'imap' : port === 110 ? 'pop3' : 'smtp', config: { host: name, port, starttls: true }, notes };
  if (t.tls === true) {
    const mail = port === 993 ? 'imap' : port === 995 ? 'pop3' : port === 465 ? 'smtp' : undefined;
    if (mail) return { type: mail, config: { host: name, port, tls: true }, notes };
    notes.push('tls: true: the tcp probe connects without TLS');
  }
  const send = steps.find((s) => s.send !== undefined);
  const expect = steps.find((s) => s.expect !== undefined);
  if (steps.length > 2 || (send && expect && steps.indexOf(send) < steps.indexOf(expect))) notes.push(`query_response of ${steps.length} steps: only the first expect is asserted`);
  return { type: 'tcp', config: { host: name, port, bannerRegex: asString(expect?.expect) }, notes };
};

const icmp: Prober = (_module, target) => {
  const { host } = hostPortOf(target);
  return { type: 'icmp', config: { host: isIpLiteral(host) ? undefined : host } };
};

const dns: Prober = (module, target) => {
  const d = isRecord(module.dns) ? module.dns : {};
  const name = asString(d.query_name);
  if (!name) return { why: 'a dns module without query_name' };
  const { host, port } = hostPortOf(target);
  const notes: string[] = [];
  const rcodes = list(d.valid_rcodes);
  if (rcodes.length > 1) notes.push(`valid_rcodes ${rcodes.join(', ')}: Vigia expects one response code, ${rcodes[0]}`);
  if (d.validate_answer_rrs || d.validate_authority_rrs || d.validate_additional_rrs) notes.push('validate_*_rrs patterns are not asserted: list the expected answers instead');
  return { type: 'dns', config: { server: host, port, name, recordType: asString(d.query_type), rcode: rcodes[0] }, notes };
};

const PROBERS: Record<string, Prober> = { http, tcp, icmp, dns };

