import { describe, expect, it } from 'vitest';
import { humanDetails } from './human-details.js';

describe('an alert’s details as a person reads them', () => {
  it('labels in words, lists joined, the machine-only keys and empty values left out', () => {
    expect(humanDetails({
      reason: 'HTTP 503', down_since: '2026-12-03 04:12:05 +01:00 Europe/Madrid', resolved_at: '2026-12-03 04:14:05 +01:00 Europe/Madrid', down_for: '2 min',
      down_for_seconds: 120, impacted_customers: ['Bakery', 'Florist'], seen_from: [], runbook: 'none started',
    })).toEqual(['Why: HTTP 503', 'Recovered at: 2026-12-03 04:14:05 +01:00 Europe/Madrid', 'Down for: 2 min', 'Customers affected: Bakery, Florist', 'Runbook: none started']);
  });

  it('a digest lists each outage on its own line; an unknown key reads as its words', () => {
    expect(humanDetails({ outages: [{ summary: 'www on web1 is DOWN (www http)', since: '04:12', reason: 'HTTP 503', dedup_key: 'vigia-incident-1a2b3c4d-0000-4000-8000-000000000001' }], extra_field: { a_b: 1 } }))
      .toEqual(['Outages (1):', '- www on web1 is DOWN (www http), since 04:12: HTTP 503 [1a2b3c4d]', 'Extra field: a b 1']);
  });
});
