import { type EgressGuard, egressFetch } from '#lib/egress';
import { type RecordSetChange, fqdn } from './rfc2136.js';

export interface PowerDnsRequest {
  method: 'PATCH';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The PowerDNS Authoritative HTTP API call that replaces one RRset (`changetype: REPLACE`), built separately from
 * sending it so a dry-run shows it exactly (with the API key masked).
 */
export function powerDnsRequest(apiUrl: string, serverId: string, change: RecordSetChange, apiKey: string): PowerDnsRequest {
  const zone = `${change.zone.replace(/\.$/, '')}.`;
  const base = apiUrl.replace(/\/+$/, '');
  return {
    method: 'PATCH',
    url: `${base}/api/v1/servers/${encodeURIComponent(serverId)}/zones/${encodeURIComponent(zone)}`,
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({
      rrsets: [{
        name: fqdn(change.name, change.zone),
        type: change.type,
        ttl: change.ttl,
        changetype: 'REPLACE',
        records: change.values.map((content) => ({ content: change.type === 'CNAME' ? fqdn(content, '') : content, disabled: false })),
      }],
    }),
  };
}

/** Through the egress policy: the API URL is the tenant's configuration. */
export async function sendPowerDns(request: PowerDnsRequest, timeoutMs: number, egress: EgressGuard, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  const response = await egressFetch(egress, request.url, { method: request.method, headers: request.headers, body: request.body, timeoutMs, signal, maxBodyBytes: 4000 });
  return { status: response.status, body: response.body };
}
