import type { EgressGuard } from '#lib/egress';
import { fqdn, isDnsName, nsupdateScript, powerDnsRequest, queryAuthoritative, type RecordSetChange, sendPowerDns, type TsigKey } from '#lib/executors';
import { localAction, sshAction } from './actions.js';
import { type PlannedAction, type StepHandler, StepInputError } from './step.js';
import { flag, int, strings, word } from './step-fields.js';

const VERIFY_MS = 5000;

function settings(w: Record<string, unknown>, config: Record<string, unknown>, path: string): RecordSetChange & { provider: string } {
  const provider = String(config.provider ?? 'rfc2136');
  const zone = String(config.zone ?? '');
  const name = String(w.name ?? config.name ?? '');
  if (!isDnsName(zone)) throw new StepInputError(`${path}.zone`, 'the resource has no valid zone');
  if (!name || !(name === '@' || isDnsName(name))) throw new StepInputError(`${path}.name`, 'no valid record name (here or in the resource)');
  const server = String(config.server ?? '');
  if (!server) throw new StepInputError(`${path}.server`, 'the resource names no authoritative server');
  return {
    provider,
    server,
    port: Number(config.port ?? 53),
    zone,
    name,
    type: (w.type ?? config.type ?? 'A') as RecordSetChange['type'],
    ttl: Number(w.ttl ?? config.ttl ?? 60),
    values: (w.values as unknown[]).map(String),
  };
}

/**
 * Replaces a record set through one provider interface: RFC 2136 dynamic update with TSIG (`nsupdate` on the Vigia
 * machine, or on a host over SSH), or the PowerDNS HTTP API. Then asks the authoritative server until it answers the
 * new values: the step succeeds only once the change is visible at the source.
 */
export const dnsUpdateStep: StepHandler = {
  type: 'dns.update',
  fields: {
    values: strings(1, 16),
    name: word().optional(),
    type: word({ oneOf: ['A', 'AAAA', 'CNAME'] }).optional(),
    ttl: int(1, 86_400).optional(),
    verify: flag().optional(),
  },
  idempotent: () => true,
  async plan(w, ctx, path) {
    const config = ctx.resource?.config ?? {};
    const change = settings(w, config, path);
    let update: PlannedAction;
    try {
      update = change.provider === 'powerdns' ? powerDnsAction(change, config, ctx.resourceSecret('apiKey'), path, ctx.egress) : await nsupdateAction(change, config, ctx, path);
    } catch (error) {
      if (error instanceof StepInputError) throw error;
      throw new StepInputError(`${path}.values`, (error as Error).message);
    }
    const verify = w.verify !== false;
    const wanted = [...change.values].map((v) => v.replace(/\.$/, '')).sort();
    const fq = fqdn(change.name, change.zone).replace(/\.$/, '');
    const query: PlannedAction = {
      kind: 'dns-query',
      target: `${change.server}:${change.port}`,
      command: `${fq} ${change.type} = ${wanted.join(', ')}`,
      async run(io) {
        // Monotonic: a deadline on real waits (setTimeout), not a time of day; a wall-clock step must not end it early or late.
        const deadline = performance.now() + VERIFY_MS;
        let seen: string[] = [];
        while (!io.signal.aborted) {
          seen = await ctx.egress.resolve(change.server).then(({ address }) => queryAuthoritative(address, change.port, fq, change.type, 1000)).catch(() => []);
          if (seen.join(',') === wanted.join(',')) return { ok: true, stdout: seen.join('\n'), note: 'authoritative server answers the new values' };
          if (performance.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        return { ok: false, stdout: seen.join('\n'), note: `authoritative server answers ${seen.join(', ') || 'nothing'}` };
      },
    };
    const actions = verify ? [update, query] : [update];
    const members = ctx.resource?.members ?? [];
    return {
      actions,
      async execute(exec) {
        for (const action of actions) {
          const result = await exec.perform(action);
          if (!result.ok) return { ok: false, error: `${action.kind} failed: ${result.note ?? result.stderr?.trim().split('\n')[0] ?? `exit ${result.exitCode}`}` };
        }
        const hostIds = await Promise.all(members.map(async (m) => ({ m, host: await ctx.resolveHost(m.hostId, `${path}.members`, false).catch(() => undefined) })));
        const primary = hostIds.find(({ m, host }) => wanted.includes(m.value ?? host?.address ?? ''));
        if (primary) await exec.effects.setPrimary(primary.m.hostId, `${fq} ${change.type} now ${wanted.join(', ')}`);
        return { ok: true };
      },
    };
  },
};

async function nsupdateAction(change: RecordSetChange, config: Record<string, unknown>, ctx: Parameters<StepHandler['plan']>[1], path: string): Promise<PlannedAction> {
  const secret = ctx.resourceSecret('tsigSecret');
  const key: TsigKey | undefined = secret ? { name: String(config.tsigKeyName ?? ''), algorithm: String(config.tsigAlgorithm ?? 'hmac-sha256'), secret } : undefined;
  // nsupdate on the Vigia machine connects to the tenant's server: judged by the egress policy, and given the judged
  // address (nsupdate would resolve the name again). Over SSH, the tenant's own host makes the connection.
  const script = nsupdateScript(config.via ? change : { ...change, server: (await ctx.egress.resolve(change.server)).address }, key);
  const shown = key ? script.replace(key.secret, '********') : script;
  const judge = (r: { exitCode: number | null; stderr: string }) => ({ ok: r.exitCode === 0, note: r.exitCode === 0 ? undefined : r.stderr.trim().split('\n')[0] });
  if (config.via) {
    const via = await ctx.resolveHost(config.via, `${path}.via`, true);
    return sshAction(via, ['nsupdate'], `${path}.via`, { timeoutMs: 15_000, stdin: script, stdinShown: shown, judge });
  }
  return localAction('nsupdate', [], { timeoutMs: 15_000, stdin: script, stdinShown: shown, judge });
}

function powerDnsAction(change: RecordSetChange, config: Record<string, unknown>, apiKey: string | undefined, path: string, egress: EgressGuard): PlannedAction {
  if (typeof config.apiUrl !== 'string') throw new StepInputError(`${path}.apiUrl`, 'the resource has no PowerDNS apiUrl');
  if (!apiKey) throw new StepInputError(`${path}.apiKey`, 'the resource has no PowerDNS API key');
  const request = powerDnsRequest(config.apiUrl, String(config.serverId ?? 'localhost'), change, apiKey);
  return {
    kind: 'http',
    target: new URL(request.url).host,
    command: `${request.method} ${request.url} ${request.body}`,
    async run(io) {
      const response = await sendPowerDns(request, 10_000, egress, io.signal);
      return { ok: response.status === 204 || response.status === 200, exitCode: response.status, stdout: response.body, note: `HTTP ${response.status}` };
    },
  };
}
