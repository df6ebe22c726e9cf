import { FleetCollector, type ImportedFleet } from '../imported-fleet.js';
import { isIpLiteral, statusCodes, type MappedCheck } from '../mapped-check.js';
import { asString, durationMs, isRecord, YamlSource } from '../yaml-source.js';

/**
 * Gatus' configuration (config.yaml): endpoints with their URL scheme, conditions and alerts; the alerting providers
 * as channels without their secrets. Gatus has no hosts: each endpoint's host is the host of its URL.
 */
export function importGatus(file: string): ImportedFleet {
  const src = new YamlSource(file);
  const out = new FleetCollector('gatus');
  for (const e of src.errors) out.skip(e.origin, 'YAML', e.why);
  const config = isRecord(src.value) ? src.value : {};
  const channels = importAlerting(out, src, config.alerting);
  const endpoints = Array.isArray(config.endpoints) ? config.endpoints : [];
  endpoints.forEach((endpoint, i) => importEndpoint(out, src, endpoint, i, channels));
  if (Array.isArray(config['external-endpoints'])) {
    config['external-endpoints'].forEach((_, i) => out.skip(src.origin(['external-endpoints', i]), 'external endpoint', 'pushed results from outside are not imported: Vigia probes its targets itself'));
  }
  // `x-…` keys hold YAML anchors that endpoints merge (`<<: *site`): they are read through the endpoints.
  for (const key of Object.keys(config).filter((k) => !['alerting', 'endpoints', 'external-endpoints'].includes(k) && !k.startsWith('x-'))) {
    out.skip(src.origin([key]), `${key}:`, 'Gatus server settings (storage, web, ui, security…) have no counterpart in a fleet');
  }
  return out.result();
}

/** Gatus provider → Vigia channel: the secret setting is named, never copied. */
function importAlerting(out: FleetCollector, src: YamlSource, alerting: unknown): Map<string, string> {
  const names = new Map<string, string>();
  if (!isRecord(alerting)) return names;
  for (const [provider, settings] of Object.entries(alerting)) {
    const origin = src.origin(['alerting', provider]);
    const s = isRecord(settings) ? settings : {};
    const name = `gatus-${provider}`;
    if (provider === 'email') {
      const to = (asString(s.to) ?? '').split(',').map((a) => a.trim()).filter(Boolean);
      out.channels.push({ name, type: 'email', config: { to }, secretsNeeded: [], origin });
      if (s.host || s.password) out.skip(origin, 'alerting.email SMTP server', 'the SMTP relay is the platform\'s or the tenant\'s mail settings, not a channel\'s; its password is not imported');
    } else if (provider === 'pagerduty') {
      out.channels.push({ name, type: 'pagerduty', config: {}, secretsNeeded: ['secret'], origin });
    } else if (provider === 'opsgenie') {
      out.channels.push({ name, type: 'opsgenie', config: {}, secretsNeeded: ['secret'], origin });
    } else if (provider === 'custom' && asString(s.url)) {
      out.channels.push({ name, type: 'webhook', config: { url: asString(s.url) }, secretsNeeded: ['secret'], origin });
      out.skip(origin, 'alerting.custom body', 'Vigia\'s webhook sends its own signed JSON body; the custom body and placeholders are not kept');
    } else {
      out.skip(origin, `alerting.${provider}`, `Vigia has no ${provider} channel (channels: email, pagerduty, opsgenie, webhook)`);
      continue;
    }
    names.set(provider, name);
  }
  return names;
}

function importEndpoint(out: FleetCollector, src: YamlSource, raw: unknown, i: number, channels: Map<string, string>): void {
  const origin = src.origin(['endpoints', i]);
  const e = isRecord(raw) ? raw : {};
  const name = asString(e.name);
  const url = asString(e.url);
  if (!name || !url) {
    out.skip(origin, `endpoint ${i + 1}`, 'an endpoint needs a name and a url');
    return;
  }
  const conditions = (Array.isArray(e.conditions) ? e.conditions : []).map(String);
  const target = targetOf(url, e);
  if ('why' in target) {
    out.skip(origin, `endpoint "${name}"`, target.why);
    return;
  }
  const mapped = mapConditions(target, conditions, e);
  if ('why' in mapped) {
    out.skip(origin, `endpoint "${name}"`, mapped.why);
    return;
  }
  const host = out.hostFor(target.host, origin);
  const client = isRecord(e.client) ? e.client : {};
  const alerts = Array.isArray(e.alerts) ? e.alerts.filter(isRecord) : [];
  const alertChannels = alerts.map((a) => channels.get(String(a.type))).filter((c): c is string => Boolean(c));
  for (const a of alerts.filter((x) => !channels.has(String(x.type)))) out.skip(origin, `endpoint "${name}" alert ${String(a.type)}`, `no imported channel for ${String(a.type)}`);
  const monitor = out.monitor({
    name, host, type: mapped.type, config: mapped.config, origin,
    intervalMs: durationMs(e.interval) ?? 60_000,
    timeoutMs: durationMs(client.timeout) ?? 10_000,
    enabled: e.enabled !== false,
    tags: asString(e.group) ? [asString(e.group)!] : [],
    channels: alertChannels,
    secretsNeeded: mapped.secretsNeeded ?? [],
  });
  if (monitor) for (const note of mapped.notes ?? []) out.skip(origin, `monitor "${monitor.name}"`, note);
}

interface Target {
  scheme: string;
  host: string;
  port?: number;
  url: string;
}

function targetOf(url: string, e: Record<string, unknown>): Target | { why: string } {
  if (isRecord(e.dns)) return { scheme: 'dns', host: url.replace(/:\d+$/, ''), port: Number(/:(\d+)$/.exec(url)?.[1]) || undefined, url };
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return { scheme: u.protocol.slice(0, -1), host, port: u.port ? Number(u.port) : undefined, url };
  } catch {
    return { why: `url ${url} is not a URL Gatus or Vigia understands` };
  }
}

/** Gatus conditions Vigia's probes assert; the others are reported. */
function mapConditions(target: Target, conditions: readonly string[], e: Record<string, unknown>): MappedCheck {
  const notes: string[] = [];
  const config: Record<string, unknown> = {};
  const handled = new Set<string>();
  const find = (re: RegExp): RegExpExecArray | undefined => {
    for (const c of conditions) {
      const m = re.exec(c.trim());
      if (m) {
        handled.add(c);
        return m;
      }
    }
    return undefined;
  };
  find(/^\[CONNECTED\]\s*==\s*true$/i);
  let type: Extract<MappedCheck, { type: string }>['type'];
  switch (target.scheme) {
    case 'http':
    case 'https': {
      type = 'http';
      config.url = target.url;
      if (asString(e.method)) config.method = asString(e.method);
      if (asString(e.body)) config.body = asString(e.body);
      if (isRecord(e.headers)) config.headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, String(v)]));
      const status = find(/^\[STATUS\]\s*==\s*(?:any\((.+)\)|(\d{3}))$/i);
      if (status) {
        const codes = statusCodes((status[1] ?? status[2]!).split(','));
        if (codes.note) notes.push(codes.note);
        config.expectedStatus = codes.codes;
      }
      if (find(/^\[STATUS\]\s*<\s*(300)$/)) config.expectedStatus = undefined;
      const latency = find(/^\[RESPONSE_TIME\]\s*<=?\s*(\d+)$/i);
      if (latency) {
        config.maxLatencyMs = Number(latency[1]);
        notes.push(`[RESPONSE_TIME] < ${latency[1]}: Vigia shows a slower answer as degraded, not down`);
      }
      const cert = find(/^\[CERTIFICATE_EXPIRATION\]\s*>\s*(\S+)$/i);
      if (cert) config.certExpiryWarnDays = Math.max(1, Math.ceil((durationMs(cert[1]) ?? 86_400_000) / 86_400_000));
      const pat = find(/^\[BODY\]\s*==\s*pat\((.*)\)$/i);
      if (pat) Object.assign(config, bodyPattern(pat[1]!));
      const json = find(/^\[BODY\]\.([\w.[\]-]+)\s*==\s*(.+)$/i);
      if (json) Object.assign(config, { jsonPath: `$.${json[1]}`, jsonEquals: json[2]!.trim() });
      const client = isRecord(e.client) ? e.client : {};
      if (client.insecure === true) config.tlsVerify = false;
      break;
    }
    case 'tcp':
      if (!target.port) return { why: 'a tcp:// url without a port' };
      type = 'tcp';
      config.port = target.port;
      break;
    case 'icmp':
      type = 'icmp';
      break;
    case 'starttls':
    case 'tls':
      type = target.port === 993 || target.port === 143 ? 'imap' : target.port === 995 || target.port === 110 ? 'pop3' : 'smtp';
      Object.assign(config, { port: target.port, ...(target.scheme === 'tls' ? { tls: true } : { starttls: true }) });
      break;
    case 'ssh': {
      type = 'ssh';
      // Gatus takes the SSH command as a JSON string body: {"command": "…"}.
      const body = isRecord(e.body) ? e.body : parseJsonObject(asString(e.body));
      const ssh = isRecord(e.ssh) ? e.ssh : {};
      if (!asString(body.command)) return { why: 'an ssh:// endpoint without a body command: the ssh probe runs a command' };
      Object.assign(config, { port: target.port, user: asString(ssh.username), command: asString(body.command), expectExitCode: 0 });
      if (ssh.password) notes.push('the SSH password is not imported: give the host an SSH credential');
      break;
    }
    case 'dns': {
      type = 'dns';
      const dns = e.dns as Record<string, unknown>;
      Object.assign(config, { server: target.host, port: target.port, name: asString(dns['query-name']), recordType: asString(dns['query-type']) });
      const rcode = find(/^\[DNS_RCODE\]\s*==\s*(\w+)$/i);
      if (rcode) config.rcode = rcode[1];
      const answer = find(/^\[BODY\]\s*==\s*(.+)$/i);
      if (answer) config.expect = [answer[1]!.trim()];
      break;
    }
    default:
      return { why: `${target.scheme}:// endpoints have no Vigia probe` };
  }
  for (const c of conditions.filter((x) => !handled.has(x))) notes.push(`condition ${c} is not asserted by Vigia's ${type} probe`);
  // Probes that take a target reach a named host by its name; an IP is the host's own address, so it is left out.
  const takesHost = ['tcp', 'icmp', 'smtp', 'imap', 'pop3'].includes(type) && !isIpLiteral(target.host);
  return { type, config: { ...config, host: takesHost ? target.host : undefined }, notes };
}

/** `pat(*ok*)` is "contains ok"; other globs become an anchored regular expression. */
function bodyPattern(glob: string): Record<string, string> {
  const inner = /^\*([^*?]*)\*$/.exec(glob);
  if (inner) return { bodyContains: inner[1]! };
  const regex = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return { bodyRegex: `^${regex}$` };
}

function parseJsonObject(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}
