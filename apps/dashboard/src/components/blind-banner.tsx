import { useEffect, useState } from 'react';

interface SightStatus {
  seeing: boolean;
  since: string | null;
  reasons: { source: string; reason: string; since: string }[];
}

/** How often the dashboard asks whether Vigia can see: the banner appears within this (plus the server's own check). */
const POLL_MS = 3_000;

/**
 * "Vigia cannot see since 03:12 — monitoring is degraded", on every page, while the server says it is blind (its
 * database gone, its probes stalled, no watchdog reporting): then every green on screen may be stale and an outage
 * may be unseen. Asks `/vigia-status`, which needs neither a login nor the database.
 */
export function BlindBanner() {
  const [status, setStatus] = useState<SightStatus | null>(null);
  useEffect(() => {
    let stopped = false;
    const ask = async (): Promise<void> => {
      try {
        const response = await fetch('/vigia-status', { cache: 'no-store', signal: AbortSignal.timeout(POLL_MS) });
        if (!stopped && response.ok) setStatus((await response.json()) as SightStatus);
      } catch {
        // The server itself does not answer: the reconnect banner says that.
      }
    };
    void ask();
    const timer = setInterval(() => void ask(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  if (!status || status.seeing || !status.since) return null;
  const since = new Date(status.since);
  const today = since.toDateString() === new Date().toDateString();
  const at = since.toLocaleString(undefined, today ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (
    <div className="banner banner-blind" role="alert" data-testid="blind">
      Vigia cannot see since {at} — monitoring is degraded: {status.reasons.map((r) => r.reason).join('; ')}. What is shown may be out of date, and
      outages in this time are not seen (reports count it as unobserved).
    </div>
  );
}
