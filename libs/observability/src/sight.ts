import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CLOCK, type Clock, systemClock } from '#lib/common';

/** One reason this process cannot see, since when. */
export interface Blindness {
  /** What is missing: `database`, `probes`, `watchdogs`. */
  source: string;
  reason: string;
  since: Date;
}

export interface SightStatus {
  /** False while any reason below holds: what the dashboard shows may be stale and outages may go unseen. */
  seeing: boolean;
  /** The earliest `since` of the reasons (null while seeing). */
  since: Date | null;
  reasons: Blindness[];
}

/**
 * Whether this process can see: its database, its probes, the watchdogs. Each part reports here; /healthz,
 * /vigia-status (the dashboard's "Vigia cannot see" banner) and the dead man's switch read it. Memory only, on
 * purpose: it must answer when the database does not.
 */
@Injectable()
export class Sight {
  private readonly logger = new Logger('Sight');
  private readonly reasons = new Map<string, Blindness>();

  /** Built by hand (a unit test), it counts on the system clock. */
  constructor(@Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock) {}

  /** `source` cannot see (again); the first report's `since` is kept while it lasts, the reason text refreshed. */
  blind(source: string, reason: string, since: Date = this.clock.now()): void {
    const known = this.reasons.get(source);
    if (!known) this.logger.warn(`Vigia cannot see: ${reason}`);
    this.reasons.set(source, { source, reason, since: known?.since ?? since });
  }

  /** `source` sees again. */
  sees(source: string): void {
    const known = this.reasons.get(source);
    if (!known) return;
    this.reasons.delete(source);
    this.logger.log(`sees again (${source}; was blind since ${known.since.toISOString()}: ${known.reason})`);
  }

  status(): SightStatus {
    const reasons = [...this.reasons.values()].sort((a, b) => a.since.getTime() - b.since.getTime());
    return { seeing: reasons.length === 0, since: reasons[0]?.since ?? null, reasons };
  }

  /** Milliseconds since the process went blind, or undefined while it sees. */
  blindFor(now = this.clock.now().getTime()): number | undefined {
    const since = this.status().since;
    return since ? now - since.getTime() : undefined;
  }
}
