import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type EgressGuard, pinnedLookup, urlPort } from './egress-guard.js';

export interface EgressRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes of the answer kept; the rest is read and dropped. */
  maxBodyBytes?: number;
}

export interface EgressResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP(S) request a tenant's configuration causes (webhook, pager API, runbook `http.request`): the host is
 * resolved and judged by the egress policy, the socket goes to that judged address (Host header and TLS name stay
 * the URL's), redirects are not followed (a 3xx is an answer like any other), and only `maxBodyBytes` are kept.
 * Replaces `fetch`, whose resolver cannot be given a policy.
 */
export async function egressFetch(guard: EgressGuard, target: string | URL, init: EgressRequest): Promise<EgressResponse> {
  const url = new URL(target);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${url.protocol} URLs are not supported`);
  const resolved = await guard.resolve(url.hostname, urlPort(url));
  const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs)]) : AbortSignal.timeout(init.timeoutMs);
  const maxBytes = init.maxBodyBytes ?? 64 * 1024;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<EgressResponse>((resolve, reject) => {
    const req = send(url, { method: init.method ?? 'GET', headers: init.headers, agent: false, lookup: pinnedLookup(resolved), signal }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
        size += chunk.length;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    req.on('error', (error) => reject(signal.aborted && !init.signal?.aborted ? new Error(`no answer within ${init.timeoutMs} ms`) : error));
    req.end(init.body);
  });
}
