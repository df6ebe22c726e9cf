import { describe, expect, it } from 'vitest';
import { blindSummary } from './vantage-health.evaluator.js';

const at = (iso: string) => new Date(iso);

describe('the page for monitors an impaired vantage leaves blind', () => {
  it('names only the incident tenant’s own monitors (at most five), counts the others, and dates the earliest', () => {
    const own = ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) => ({ tenantId: 't1', name: `www ${n}`, since: at(`2026-12-03T03:1${i}:00Z`) }));
    const text = blindSummary('office', 't1', [...own, { tenantId: 't2', name: 'secret-customer', since: at('2026-12-03T03:05:00Z') }]);
    expect(text).toBe('7 monitor(s) of 2 tenant(s) are seen down by every vantage left, and cannot be confirmed without office (since 2026-12-03T03:05:00.000Z): '
      + 'likely real outages that page nobody and start no runbook until office is back or their quorum is lowered — check them by hand: www a, www b, www c, www d, www e and 1 more');
    expect(text).not.toContain('secret-customer');
  });
});
