import type { AlertMessage } from './channel.js';
import { humanDetails } from './human-details.js';
import { forPeople } from './human-time.js';

const PREFIX: Record<AlertMessage['kind'], (m: AlertMessage) => string> = {
  trigger: (m) => m.severity.toUpperCase(),
  acknowledge: () => 'ACK',
  resolve: () => 'RESOLVED',
  test: () => 'TEST',
  // A person is needed (a run failed or waits for approval, a vantage hides outages): not only runbooks say it.
  runbook: () => 'ATTENTION',
};

/** `[CRITICAL] www on web1 is DOWN (www http)`: the first line of every chat, SMS and voice message. */
export function headline(message: AlertMessage): string {
  return `[${PREFIX[message.kind](message)}] ${message.summary}`;
}

/** The incident's id from its deduplication key (`vigia-incident-<uuid>`); a test message has none. */
export function incidentIdOf(dedupKey: string): string | undefined {
  return /^vigia-incident-([0-9a-f-]{36})(?:\/dm\/[^/]{1,64})?$/.exec(dedupKey)?.[1];
}

/**
 * The key an alert's thread is kept under for one channel: the incident's, or — for a personal page sent through the
 * channel (a Slack or Telegram direct message) — the incident's and the person's, so a DM never takes the place of
 * the channel's own thread.
 */
export function threadKeyOf(message: { dedupKey: string; personalTo?: string }): string {
  return message.personalTo ? `${message.dedupKey}/dm/${message.personalTo}` : message.dedupKey;
}

/** The incident's short id: the first 8 hex digits of its id, what `/ack <id>` takes in a chat. */
export function shortIdOf(dedupKey: string): string | undefined {
  return incidentIdOf(dedupKey)?.slice(0, 8);
}

/**
 * The plain-text message of chat channels: headline, since, details (one labelled line each), the link to Vigia,
 * and `ackHint` on a trigger when the channel hears acknowledgements from the chat. Instants in the tenant's zone.
 */
export function chatText(written: AlertMessage, ackHint?: (shortId: string) => string): string {
  const message = forPeople(written);
  const details = humanDetails(message.details);
  const short = shortIdOf(message.dedupKey);
  const hint = message.kind === 'trigger' && ackHint && short ? [ackHint(short)] : [];
  return [headline(message), `since ${message.since}`, ...details, ...(message.link ? [message.link] : []), ...hint].join('\n');
}

/**
 * `text` cut to at most `max` UTF-16 code units (what Slack, Telegram, Discord, Mattermost and Twilio count), ending
 * in `…` when cut; never splits a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** The longest a delivery waits for its turn in process: well inside the 60 s a claimed notification is held. */
const MAX_WAIT_MS = 20_000;

/**
 * A provider's rate limit kept on this side: at most one request per `spacingMs` per key (a webhook, a chat, a
 * sending number), so a burst waits its turn instead of drawing 429s. Only the key's own deliveries wait; other
 * channels go on. A turn further away than 20 s is not waited for: the delivery is put back for when it comes.
 */
export class RateGate {
  private readonly next = new Map<string, number>();

  constructor(private readonly spacingMs: number) {}

  /** Waits for the key's turn (undefined: send now), or says when to come back (the outcome to return). */
  async turn(key: string): Promise<{ ok: false; response: string; retryAfterMs: number } | undefined> {
    if (!this.spacingMs) return undefined;
    const now = performance.now();
    const at = Math.max(now, this.next.get(key) ?? 0);
    if (at - now > MAX_WAIT_MS) return { ok: false, response: `held back to keep the provider's rate limit; again in ${Math.ceil(at - now)} ms`, retryAfterMs: Math.ceil(at - now) };
    this.next.set(key, at + this.spacingMs);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    return undefined;
  }
}

/** Waits `ms`, or less when `signal` aborts (a listener's back-off that a stop cuts short). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A JSON answer read leniently: `undefined` for anything that is not JSON. */
export function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
