import type { QuietHours, RouteMatch } from './escalation-policy.entity.js';

/** A policy as both the API (`createEscalationPolicy`) and a fleet file give it, before ids are checked to exist. */
export interface PolicyRulesInput {
  match?: RouteMatch | null;
  steps: { delayMinutes: number; channelIds: string[]; scheduleIds?: string[]; userIds?: string[] }[];
  priority?: number | null;
  repeatMinutes?: number | null;
  quietHours?: QuietHours | null;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const SEVERITIES = ['critical', 'warning', 'info'];
const SERVICE_TYPES = ['web', 'mail', 'mysql', 'dns', 'other'];

/**
 * An escalation policy's rules, in one place for the GraphQL resolver and the fleet port: the first problem as its
 * field (`steps[1].delayMinutes`, relative to the policy) and what is wrong in words. Whether the channels, schedules,
 * people and customers it names exist is the caller's check (ids in the API, names in a file).
 */
export function policyProblem(policy: PolicyRulesInput): { field: string; message: string } | undefined {
  const whole = (value: number | null | undefined, min: number, max: number) => value !== null && value !== undefined && (!Number.isInteger(value) || value < min || value > max);
  const match = policy.match ?? {};
  const badSeverity = (match.severities ?? []).findIndex((s) => !SEVERITIES.includes(s));
  if (badSeverity >= 0) return { field: `match.severities[${badSeverity}]`, message: 'must be critical, warning or info' };
  const badType = (match.serviceTypes ?? []).findIndex((s) => !SERVICE_TYPES.includes(s));
  if (badType >= 0) return { field: `match.serviceTypes[${badType}]`, message: `must be a service type (${SERVICE_TYPES.join(', ')})` };
  if ((match.hostTags ?? []).length > 32) return { field: 'match.hostTags', message: 'must hold at most 32 tags' };
  if (!policy.steps.length) return { field: 'steps', message: 'must hold at least one step' };
  if (policy.steps.length > 10) return { field: 'steps', message: 'must hold at most 10 steps' };
  for (const [i, step] of policy.steps.entries()) {
    if (whole(step.delayMinutes, 0, 1440)) return { field: `steps[${i}].delayMinutes`, message: 'must be a whole number of minutes from 0 to 1440' };
    if (step.channelIds.length > 20) return { field: `steps[${i}].channelIds`, message: 'must name at most 20 channels' };
    if (!step.channelIds.length && !step.scheduleIds?.length && !step.userIds?.length) return { field: `steps[${i}]`, message: 'a step pages at least one channel, schedule or person' };
    if (i > 0 && step.delayMinutes <= policy.steps[i - 1]!.delayMinutes) return { field: `steps[${i}].delayMinutes`, message: 'must be later than the step before' };
  }
  if (whole(policy.priority, 0, 10_000)) return { field: 'priority', message: 'must be a whole number from 0 to 10000' };
  if (whole(policy.repeatMinutes, 5, 1440)) return { field: 'repeatMinutes', message: 'must be a whole number of minutes from 5 to 1440' };
  for (const end of ['start', 'end'] as const) {
    if (policy.quietHours && !HHMM.test(policy.quietHours[end])) return { field: `quietHours.${end}`, message: 'must be HH:MM' };
  }
  // A window from 07:00 to 07:00 holds nothing (it was accepted, and silently did nothing).
  if (policy.quietHours && policy.quietHours.start === policy.quietHours.end) return { field: 'quietHours.end', message: 'must differ from the start (quiet hours from a time to the same time hold nothing)' };
  return undefined;
}
