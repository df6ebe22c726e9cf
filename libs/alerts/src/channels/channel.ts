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
  /** A trigger or an attention on an open incident: delivery adds the acknowledgement link for the channel it goes to. */
  ackable?: boolean;
  /** A personal page through a tenant's channel (a DM, an SMS to the person): the person's address there. */
  personalTo?: string;
  /** The tenant's zone when the message was written: people read its instants there (`forPeople`); UTC when absent. */
  timeZone?: string;
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

/** A request body and its content type: JSON, or form fields (Twilio, Vonage SMS). */
export type RequestBody = { json: unknown } | { form: Record<string, string> };

/**
 * Sends one request with a timeout through the egress policy (redirects not followed) and maps the HTTP answer to an
 * outcome: 2xx delivered; 4xx other than 408/429 permanent (given up at once); 408, 429 and 5xx retried with backoff,
 * a Retry-After header (or a provider's `retry_after` in the body: Telegram, Discord) honoured. The answer is kept as
 * a short excerpt: it is shown to the tenant as `lastError`, so it never contains the request (and its secrets).
 */
export async function send(egress: EgressGuard, url: string, body: RequestBody, headers: Record<string, string>, timeoutMs = 10_000): Promise<DeliveryOutcome & { body: string }> {
  const [type, text] = 'json' in body ? ['application/json', JSON.stringify(body.json)] : ['application/x-www-form-urlencoded', new URLSearchParams(body.form).toString()];
  try {
    const res = await egressFetch(egress, url, { method: 'POST', headers: { 'content-type': type, ...headers }, body: text, timeoutMs, maxBodyBytes: 4096 });
    const response = excerpt(`HTTP ${res.status} ${res.body}`.trim(), 300);
    if (res.status >= 200 && res.status < 300) return { ok: true, response, body: res.body };
    return {
      ok: false,
      response,
      body: res.body,
      permanent: res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429,
      retryAfterMs: retryAfterMs(res.headers['retry-after'], res.body),
    };
  } catch (error) {
    return { ok: false, response: excerpt(error instanceof Error ? error.message : String(error), 300), body: '' };
  }
}

/** Posts JSON (see `send`). */
export async function postJson(egress: EgressGuard, url: string, body: unknown, headers: Record<string, string>, timeoutMs = 10_000): Promise<DeliveryOutcome> {
  const { body: _answer, ...outcome } = await send(egress, url, { json: body }, headers, timeoutMs);
  return outcome;
}

/** Retry-After in seconds (header), else a JSON body's `retry_after` or `parameters.retry_after` (seconds). */
export function retryAfterMs(header: string | string[] | undefined, body = ''): number | undefined {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (Number.isFinite(seconds) && seconds > 0) return Math.ceil(seconds * 1000);
  try {
    const parsed = JSON.parse(body) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const fromBody = Number(parsed.retry_after ?? parsed.parameters?.retry_after);
    return Number.isFinite(fromBody) && fromBody > 0 ? Math.ceil(fromBody * 1000) : undefined;
  } catch {
    return undefined;
  }
}
