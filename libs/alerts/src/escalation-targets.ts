import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { type Incident, IncidentsService } from '#lib/incidents';
import { PagingTargets, type PersonalPage } from '#lib/oncall';
import { AlertChannel } from './alert-channel.entity.js';
import type { AlertMessage } from './channels/channel.js';
import type { PlannedStep } from './escalation.planner.js';
import { localInstant } from './channels/human-time.js';

/** A claimed row whose target is a schedule or a person (`schedule:<id>`, `person:<id>`). */
export interface TargetRow {
  id: string;
  tenant_id: string;
  incident_id: string;
  step: number;
  target_key: string;
  attempts: number;
  payload: AlertMessage & { resolveAt?: string };
}

/**
 * How a personal page to a contact kind is delivered: through which channel kind, addressed how. E-mail needs no
 * channel of the tenant's (its mail transport is the tenant's); the chat and SMS kinds (issue 20, other half) add
 * their entry here with the tenant's channel that holds the provider's credentials.
 */
export const PERSONAL_DELIVERY: Record<string, (tenantId: string, address: string) => AlertChannel> = {
  email: (tenantId, address) => Object.assign(new AlertChannel(), { id: '00000000-0000-0000-0000-000000000000', tenantId, name: 'personal e-mail', type: 'email', config: { to: [address] }, secretSealed: null, enabled: true }),
};

function when(minutes: number): string {
  return minutes === 0 ? 'at once' : `after ${minutes} min`;
}

function describePages(pages: PersonalPage[]): string {
  return pages.map((p) => `${p.kind === 'phone' ? `${p.phoneMode ?? 'sms'} ${p.address}` : `${p.kind} ${p.address}`} ${when(p.delayMinutes)}`).join(', ');
}

/** "2026-10-20 10:50:00 +02:00 Europe/Madrid", as e-mails write instants: "20/10/2026" read as 10 August in New York, and the repeated autumn hour needs its offset. */
function local(at: Date, timeZone: string): string {
  return localInstant(at.toISOString(), timeZone);
}

/**
 * Escalation steps that page people: a schedule (whoever is on call when the step fires) or a person. A step's
 * target is queued like a channel's message; when it comes due the delivery worker hands it here, and in ONE
 * transaction it is resolved (at the instant the step was due, so a retry after a crash names the same person),
 * the person's pages are queued by their own rules, and the timeline says whom it paged — or, when nobody is on
 * call, that the escalation falls through to its next level, which is brought forward to now.
 */
@Injectable()
export class EscalationTargets {
  constructor(
    private readonly dataSource: DataSource,
    private readonly targets: PagingTargets,
    private readonly incidents: IncidentsService,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Queues a step's schedule and person targets, due at `at`; replays queue nothing new. */
  async enqueue(incident: Incident, message: AlertMessage, step: PlannedStep, at: Date): Promise<void> {
    const targets = [
      ...(step.scheduleIds ?? []).map((id) => ({ key: `schedule:${id}`, userId: null, scheduleId: id })),
      ...(step.userIds ?? []).map((id) => ({ key: `person:${id}`, userId: id, scheduleId: null })),
    ];
    if (!targets.length) return;
    await this.dataSource.query(
      `INSERT INTO notifications (tenant_id, channel_id, incident_id, kind, step, payload, status, next_attempt_at, target_key, user_id, schedule_id, policy_id)
       SELECT $1, NULL, $2, 'trigger', $3::int, $4, 'queued', greatest($5::timestamptz, $6::timestamptz), t.key, t.uid, t.sid, $10::uuid
         FROM unnest($7::text[], $8::uuid[], $9::uuid[]) AS t(key, uid, sid)
       ON CONFLICT (incident_id, kind, step, target_key) WHERE target_key <> '' DO UPDATE SET next_attempt_at = least(notifications.next_attempt_at, excluded.next_attempt_at)
         WHERE notifications.status = 'queued'`,
      [
        incident.tenantId, incident.id, step.index, JSON.stringify({ ...message, kind: 'trigger', resolveAt: at.toISOString() }), at, this.clock.now(),
        targets.map((t) => t.key), targets.map((t) => t.userId), targets.map((t) => t.scheduleId), step.policyId ?? null,
      ],
    );
  }

  /** A due target: resolved, its pages queued and the timeline written in one transaction (or nothing, if another process got there first). */
  async fire(row: TargetRow): Promise<void> {
    const now = this.clock.now();
    const at = row.payload.resolveAt ? new Date(row.payload.resolveAt) : now;
    const [kind, id] = row.target_key.split(':') as [string, string];
    let userId: string | null = null;
    let scheduleId: string | null = null;
    let about: string;
    if (kind === 'schedule') {
      scheduleId = id;
      const verdict = await this.targets.onCall(row.tenant_id, id, at);
      about = verdict ? `schedule "${verdict.scheduleName}" at ${local(at, verdict.timeZone)}` : 'a schedule since deleted';
      userId = verdict?.userId ?? null;
    } else {
      userId = id;
      about = 'the person named by the policy';
    }
    const person = userId ? await this.targets.pagesFor(row.tenant_id, userId) : undefined;
    const label = `step ${row.step + 1}`;
    await this.dataSource.transaction(async (manager) => {
      // Fenced by the claim: a process whose claim ran out (and was taken over) writes nothing.
      const [, claimed]: [unknown, number] = await manager.query(
        "UPDATE notifications SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1 AND status = 'sending' AND attempts = $3",
        [row.id, now, row.attempts],
      );
      if (!claimed) return;
      if (person && person.pages.length) {
        await this.queuePages(manager, row, userId!, scheduleId, person.pages, new Date(Math.max(now.getTime(), at.getTime())));
        const text = kind === 'schedule' ? `${label}: ${about}: ${person.name} is on call; paged by ${describePages(person.pages)}` : `${label}: ${person.name} paged by ${describePages(person.pages)}`;
        await this.incidents.annotate(row.tenant_id, row.incident_id, 'escalation', text, now, manager);
        await this.attempt(manager, row.id, now, true, `${person.name}: ${describePages(person.pages)}`);
        // Crash tests: die inside the step's transaction, its pages queued but not committed (all of it rolls back).
        if (this.config.failpoints.has('before-escalation-commit')) process.kill(process.pid, 'SIGKILL');
        return;
      }
      const nobody = kind === 'schedule' ? `nobody on call in ${about}` : 'the person named is no longer an enabled user';
      const next = await this.fallThrough(manager, row, now);
      const text = next === undefined ? `${label}: ${nobody}; no later level, nobody paged by this step` : `${label}: ${nobody}; falls through to step ${next + 1} now`;
      await this.incidents.annotate(row.tenant_id, row.incident_id, 'escalation', text, now, manager);
      await this.attempt(manager, row.id, now, false, text);
    });
    // Crash tests: die right after the step's target was resolved and its pages queued, before any is delivered.
    if (this.config.failpoints.has('after-escalation-fire')) process.kill(process.pid, 'SIGKILL');
  }

  private async queuePages(manager: EntityManager, row: TargetRow, userId: string, scheduleId: string | null, pages: PersonalPage[], pagedAt: Date): Promise<void> {
    const { resolveAt: _resolved, ...message } = row.payload;
    await manager.query(
      `INSERT INTO notifications (tenant_id, channel_id, incident_id, kind, step, payload, status, next_attempt_at, target_key, user_id, schedule_id, contact_kind, address, policy_id)
       SELECT $1, NULL, $2, 'trigger', $3::int, $4, 'queued', $5::timestamptz + make_interval(mins => p.delay), 'page:' || $6 || ':' || p.rule, $6::uuid, $7::uuid, p.kind, p.address,
              (SELECT policy_id FROM notifications WHERE id = $12)
         FROM unnest($8::text[], $9::int[], $10::text[], $11::text[]) AS p(rule, delay, kind, address)
       ON CONFLICT (incident_id, kind, step, target_key) WHERE target_key <> '' DO NOTHING`,
      [
        row.tenant_id, row.incident_id, row.step, JSON.stringify(message), pagedAt, userId, scheduleId,
        pages.map((p) => p.ruleId), pages.map((p) => p.delayMinutes), pages.map((p) => (p.kind === 'phone' ? `phone:${p.phoneMode ?? 'sms'}` : p.kind)), pages.map((p) => p.address), row.id,
      ],
    );
  }

  /**
   * A person's page that could not be delivered at all (no carrier channel for their SMS rule, a dead address): the
   * timeline says so — it read "paged by sms" beside a page that never left — and, unless another page of this step
   * reached someone, the escalation falls through to its next level now, as for nobody on call.
   */
  async pageFailed(row: { id: string; tenant_id: string; incident_id: string; step: number; contact_kind: string | null; address: string | null }, why: string): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const [reached]: { n: number }[] = await manager.query(
        "SELECT count(*)::int AS n FROM notifications WHERE incident_id = $1 AND kind = 'trigger' AND step = $2 AND target_key LIKE 'page:%' AND status IN ('sent', 'sending', 'queued', 'failed') AND id <> $3",
        [row.incident_id, row.step, row.id],
      );
      const label = `step ${row.step + 1}`;
      const page = `${(row.contact_kind ?? 'page').replace('phone:', '')} ${row.address ?? ''}`.trim();
      if (reached && reached.n > 0) return this.incidents.annotate(row.tenant_id, row.incident_id, 'escalation', `${label}: the page by ${page} could not be delivered: ${why}`, now, manager);
      const next = await this.fallThrough(manager, row, now);
      const then = next === undefined ? 'no later level' : `falls through to step ${next + 1} now`;
      await this.incidents.annotate(row.tenant_id, row.incident_id, 'escalation', `${label}: the page by ${page} could not be delivered: ${why}; ${then}`, now, manager);
    });
  }

  /** Brings the next level's queued rows forward to now; the level's index, or undefined when there is none. */
  private async fallThrough(manager: EntityManager, row: Pick<TargetRow, 'incident_id' | 'step'>, now: Date): Promise<number | undefined> {
    const [next]: { step: number | null }[] = await manager.query(
      "SELECT min(step) AS step FROM notifications WHERE incident_id = $1 AND kind = 'trigger' AND step > $2 AND status = 'queued'",
      [row.incident_id, row.step],
    );
    if (next?.step === null || next?.step === undefined) return undefined;
    await manager.query(
      `UPDATE notifications SET next_attempt_at = $3, payload = CASE WHEN target_key LIKE 'schedule:%' OR target_key LIKE 'person:%' THEN jsonb_set(payload, '{resolveAt}', to_jsonb($4::text)) ELSE payload END
        WHERE incident_id = $1 AND kind = 'trigger' AND step = $2 AND status = 'queued'`,
      [row.incident_id, next.step, now, now.toISOString()],
    );
    return next.step;
  }

  private async attempt(manager: EntityManager, id: string, at: Date, ok: boolean, response: string): Promise<void> {
    await manager.query('INSERT INTO notification_attempts (notification_id, at, ok, response, duration_ms) VALUES ($1, $2, $3, $4, 0)', [id, at, ok, response.slice(0, 1000)]);
  }
}
