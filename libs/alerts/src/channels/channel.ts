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
  deliver(channel: AlertChannel, secret: string | null, message: AlertMessage): Promise<DeliveryOutcome>;
}

/** Posts JSON with a timeout; maps the HTTP answer to an outcome (429 Retry-After honoured). */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, timeoutMs = 10_000): Promise<DeliveryOutcome> {
  const text = JSON.stringify(body);
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text, signal: AbortSignal.timeout(timeoutMs) });
    const answer = (await res.text()).slice(0, 500);
    const response = `HTTP ${res.status} ${answer}`.trim();
    if (res.ok) return { ok: true, response };
    const retryAfter = Number(res.headers.get('retry-after'));
    return {
      ok: false,
      response,
      permanent: res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
  } catch (error) {
    return { ok: false, response: error instanceof Error ? error.message : String(error) };
  }
}
