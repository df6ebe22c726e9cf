import { afterEach, describe, expect, it, vi } from 'vitest';
import { driftWords, type FleetResult, printPlan } from './fleet-commands.js';

describe('vigia plan: drift says who and when', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names the user where it is recorded, else "an unknown user"; the tenant settings by their name', () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    const plan: FleetResult = {
      problems: [], unmanaged: 0, applied: false,
      changes: [{ action: 'update', kind: 'tenant', key: 'tenant', drift: true, fields: [{ field: 'vantages.quorum', before: 1, after: 2 }] }],
      drift: [
        { kind: 'runbooks', key: 'restart-nginx', changedAt: '2026-12-01T10:00:00.000Z', changedBy: 'alice@example.com', fields: [{ field: 'source', before: 'a', after: 'b' }] },
        { kind: 'channels', key: 'ops-mail', changedAt: null, changedBy: null, fields: [{ field: 'enabled', before: true, after: false }] },
        { kind: 'tenant', key: 'tenant', changedAt: '2026-12-01T11:00:00.000Z', changedBy: null, fields: [{ field: 'vantages.quorum', before: 2, after: 1 }] },
      ],
    };
    printPlan(plan, false);
    expect(printed.join('').split('\n')).toEqual([
      '! runbook restart-nginx changed in the dashboard or the API by alice@example.com at 2026-12-01T10:00:00.000Z:',
      '    source: applied "a", now "b"',
      '! channel ops-mail changed in the dashboard or the API by an unknown user (no time recorded):',
      '    enabled: applied true, now false',
      '! tenant settings changed in the dashboard or the API by an unknown user at 2026-12-01T11:00:00.000Z:',
      '    vantages.quorum: applied 2, now 1',
      '~ tenant settings (overwrites a change made outside the file)',
      '    vantages.quorum: 1 → 2',
      '',
      'Plan: 0 to create, 1 to change, 0 to delete, 0 to detach, 3 drifted.',
      '',
    ]);
    expect(driftWords(plan.drift[0]!)).toBe('changed in the dashboard or the API by alice@example.com at 2026-12-01T10:00:00.000Z');
  });
});
