/**
 * An alert's details as a person reads them (e-mail, chat): labelled lines in words, not the payload's keys and JSON.
 * Machine channels (webhook, PagerDuty, Opsgenie) keep the payload as it is; their readers parse it.
 */

/** Labels of the keys a person reads; a key not listed reads as its words ("foo_bar" → "Foo bar"). */
const LABELS: Record<string, string> = {
  reason: 'Why',
  resolved_at: 'Recovered at',
  down_for: 'Down for',
  impacted_customers: 'Customers affected',
  services_on_host: 'Services on this host',
  seen_from: 'Seen from',
  runbook: 'Runbook',
  note: 'Note',
};

/**
 * Keys a person does not need: `down_since` is the message's own "since" line, and `down_for_seconds` is `down_for`
 * for machines. Empty values say nothing either (no customers linked, nobody named).
 */
const SKIPPED = new Set(['down_since', 'down_for_seconds']);

/** One detail in words; a digest's outages keep their lines apart (a FactSet joins them, text lists them). */
type Detail = { label: string; value: string; items?: string[] };

function details(of: Record<string, unknown>): Detail[] {
  const out: Detail[] = [];
  for (const [key, value] of Object.entries(of)) {
    if (SKIPPED.has(key) || value === null || value === undefined || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (key === 'outages' && Array.isArray(value)) {
      const items = value.map(outageLine);
      out.push({ label: `Outages (${value.length})`, value: items.join('\n'), items });
    } else out.push({ label: LABELS[key] ?? words(key), value: plain(value) });
  }
  return out;
}

/** The details as (label, value) pairs in words: a Teams FactSet. A digest's outages, one per line of the value. */
export function humanFacts(of: Record<string, unknown>): [string, string][] {
  return details(of).map((d) => [d.label, d.value]);
}

/** One labelled line per detail ("Why: HTTP 503"); a digest's outages listed under their count, one "- " line each. */
export function humanDetails(of: Record<string, unknown>): string[] {
  return details(of).flatMap((d) => (d.items ? [`${d.label}:`, ...d.items.map((o) => `- ${o}`)] : [`${d.label}: ${d.value}`]));
}

/** One outage of a digest: "www on web1 is DOWN (www http), since …: HTTP 503". */
function outageLine(outage: unknown): string {
  if (!outage || typeof outage !== 'object') return plain(outage);
  const o = outage as Record<string, unknown>;
  const head = [o.summary ? plain(o.summary) : '', typeof o.since === 'string' ? `since ${o.since}` : ''].filter(Boolean).join(', ');
  const reason = typeof o.reason === 'string' && o.reason ? `: ${o.reason}` : '';
  // Its incident's short id: what `/ack <id>` takes in a chat, so each outage of a digest can be acknowledged.
  const id = typeof o.dedup_key === 'string' ? /^vigia-incident-([0-9a-f]{8})/.exec(o.dedup_key)?.[1] : undefined;
  return `${head}${reason}${id ? ` [${id}]` : ''}`;
}

function plain(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(plain).join(', ');
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${words(k).toLowerCase()} ${plain(v)}`).join('; ');
  return String(value);
}

function words(key: string): string {
  const spaced = key.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
