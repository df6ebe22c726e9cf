import { CANNOT_CONFIRM_DOWN, type HostMonitorHealth } from '#lib/detection';
import type { Incident } from '#lib/incidents';
import type { Resource, ResourceMember } from '../entities/resource.entity.js';

/** The member's outage is any of its listed monitors (every monitor of the host when none are listed). */
export function covers(member: ResourceMember, incident: Pick<Incident, 'hostId' | 'monitorId'>): boolean {
  return member.hostId === incident.hostId && (member.monitorIds.length === 0 || member.monitorIds.includes(incident.monitorId));
}

/**
 * A member as a place to move service to. `fit`: no open incident and every monitor of it up or degraded now.
 * `doubtful`: failures seen from fewer vantages than its quorum (suspect), or no enabled monitor at all: taken only
 * when no member is fit — the primary is confirmed down, and one place's view of a standby (or none) is not enough
 * to leave the service down. `unfit`: an open incident, a monitor down, seen down by every vantage left, or nobody
 * can see it now (unknown: never probed, its voters silent or impaired) — never a target, whatever else is left:
 * Vigia does not move a service to a host it cannot see.
 */
export type MemberFitness = { hostId: string; fitness: 'fit' | 'doubtful' | 'unfit'; why?: string };

/** Judges one member from the open incidents and its monitors' health as last recorded (detection's MonitorHealth). */
export function judgeMember(member: ResourceMember, open: Incident[], health: HostMonitorHealth[]): MemberFitness {
  const { hostId } = member;
  if (open.some((i) => covers(member, i))) return { hostId, fitness: 'unfit', why: 'has an open incident' };
  const mine = health.filter((h) => covers(member, h));
  const worst = (state: string) => mine.find((h) => h.health === state);
  const down = worst('down');
  if (down) return { hostId, fitness: 'unfit', why: `its ${label(down)} is down` };
  // Every vantage left sees it down, too few vote to confirm it: a dead standby, not a glitch of monitoring.
  const unconfirmed = mine.find((h) => h.health === 'unknown' && h.reason?.startsWith(CANNOT_CONFIRM_DOWN));
  if (unconfirmed) return { hostId, fitness: 'unfit', why: `its ${label(unconfirmed)} is seen down by every vantage left (unconfirmed: its quorum is out of reach)` };
  const unseen = worst('unknown');
  if (unseen) return { hostId, fitness: 'unfit', why: `nobody can see it now (its ${label(unseen)} is unknown${unseen.reason ? `: ${whyUnseen(unseen.reason)}` : ''})` };
  const suspect = worst('suspect');
  if (suspect) return { hostId, fitness: 'doubtful', why: `its ${label(suspect)} is suspect (failures seen from fewer vantages than its quorum)` };
  if (!mine.length) return { hostId, fitness: 'doubtful', why: 'has no enabled monitor: Vigia cannot see it' };
  return { hostId, fitness: 'fit' };
}

/** The monitor by the name the operator gave it (its type when a caller has none). */
function label(h: HostMonitorHealth): string {
  return h.name ? `monitor "${h.name}"` : `${h.type} monitor`;
}

/**
 * Why nobody sees it, short enough for one standby's line: the verdict's first clause, then only the vantages that
 * are silent or do not vote and why ("agent-x: not voting, impaired (no heartbeat yet …)") — what the person on call
 * must fix — not every voter's story.
 */
function whyUnseen(reason: string): string {
  const cut = reason.search(/ — |; /);
  const head = cut > 0 ? reason.slice(0, cut) : reason;
  const story = reason.indexOf(' — ');
  const silent = story < 0 ? [] : topLevelParts(reason.slice(story + 3)).filter((part) => /^[^:]+: (not voting|stale|no result yet)/.test(part));
  const line = [head.slice(0, 120), ...silent].join('; ');
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}

/** The vantages' story split at its "; " between vantages, not inside one's parentheses (a refusal's own "; …"). */
function topLevelParts(story: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < story.length; i++) {
    const c = story[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && c === ';' && story[i + 1] === ' ') {
      parts.push(story.slice(start, i));
      start = i + 2;
    }
  }
  parts.push(story.slice(start));
  return parts;
}

/** Where to fail over: the first fit member in preference order, else the first doubtful one; and why each other was passed over. */
export interface StandbyChoice {
  hostId?: string;
  /** The chosen member is doubtful: say so on the outage's timeline. */
  doubt?: string;
  /** Each standby not chosen and why, for "no healthy standby". */
  passedOver: string[];
}

export function healthyStandby(resource: Resource, failed: string, open: Incident[], health: HostMonitorHealth[], names: Map<string, string> = new Map()): StandbyChoice {
  const judged = resource.members.filter((m) => m.hostId !== failed).map((m) => judgeMember(m, open, health));
  const chosen = judged.find((j) => j.fitness === 'fit') ?? judged.find((j) => j.fitness === 'doubtful');
  const name = (hostId: string) => names.get(hostId) ?? hostId;
  return {
    hostId: chosen?.hostId,
    doubt: chosen?.fitness === 'doubtful' ? `${name(chosen.hostId)} ${chosen.why}` : undefined,
    passedOver: judged.filter((j) => j !== chosen && j.why).map((j) => `${name(j.hostId)} ${j.why}`),
  };
}
