import { describe, expect, it } from 'vitest';
import { policyProblem } from './escalation-rules.js';

describe('policyProblem: quiet hours', () => {
  const policy = (quietHours: { start: string; end: string } | null) => ({ steps: [{ delayMinutes: 0, channelIds: ['c'] }], quietHours });

  it('refuses quiet hours from a time to the same time: they hold nothing, and were accepted silently', () => {
    expect(policyProblem(policy({ start: '07:00', end: '07:00' }))).toEqual({ field: 'quietHours.end', message: 'must differ from the start (quiet hours from a time to the same time hold nothing)' });
  });

  it('takes a window across midnight, and none at all', () => {
    expect(policyProblem(policy({ start: '22:00', end: '07:00' }))).toBeUndefined();
    expect(policyProblem(policy(null))).toBeUndefined();
  });
});
