import { type EgressGuard, egressFetch, excerpt } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';

/** What an alert says, whatever the channel: written for an operator woken at 3 a.m. */
export interface AlertMessage {
  kind: 'trigger' | 'acknowledge' | 'resolve' | 'test' | 'runbook';
  /** Stable per incident: the channel's deduplication key (PagerDuty dedup_key, Opsgenie alias). */
  dedupKey: string;
  summary: string;
  severity: 'critical' | 'warning' | 'info';
  source: string;
  since: string;
  details: Record<string, unknown>;
  link?: string;
  /** Signed link that acknowledges the incident (e-mail); added at delivery, per channel, never stored. */
  ackLink?: string;
  /** A trigger: delivery adds the acknowledgement link for the channel it goes to. */
  ackable?: boolean;
}

export interface DeliveryOutcome {
  ok: boolean;
  /** What the other side said, for the attempt log (capped). */
  response: string;
  /** Do not retry: the request itself is wrong (4xx other than 408/429). */
  permanent?: boolean;
  retryAfterMs?: number;
}

export interface ChannelAdapter {
  /** `egress`: the policy in the channel's tenant context; every HTTP call of a channel goes through it. */
  deliver(channel: AlertChannel, secret: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome>;
}

/**
 * Posts JSON with a timeout through the egress policy (redirects not followed); maps the HTTP answer to an outcome
 * (429 Retry-After honoured). The answer is kept as a short excerpt: it is shown to the tenant as `lastError`.
 */
export async function postJson(egress: EgressGuard, url: string, body: unknown, headers: Record<string, string>, timeoutMs = 10_000): Promise<DeliveryOutcome> {
  const text = JSON.stringify(body);
  try {
    const res = await egressFetch(egress, url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text, timeoutMs, maxBodyBytes: 4096 });
    const response = excerpt(`HTTP ${res.status} ${res.body}`.trim(), 300);
    if (res.status >= 200 && res.status < 300) return { ok: true, response };
    const retryAfter = Number(res.headers['retry-after']);
    return {
      ok: false,
      response,
      permanent: res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
  } catch (error) {
    return { ok: false, response: excerpt(error instanceof Error ? error.message : String(error), 300) };
  }
}
