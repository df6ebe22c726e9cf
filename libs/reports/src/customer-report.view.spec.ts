import { describe, expect, it } from 'vitest';
import { outagesPerService } from './customer-report.view.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 20, minute));
const incident = (serviceId: string | null, from: number, to: number | null, planned = false) => ({ serviceId, openedAt: at(from), resolvedAt: to === null ? null : at(to), planned });

describe('outagesPerService: a customer reads outages of its services, not incidents per monitor', () => {
  it('merges one service\'s overlapping incidents (two monitors down together) into one, first start to last end', () => {
    expect(outagesPerService([incident('mail', 43, 45), incident('mail', 43.5, 44.9)])).toEqual([incident('mail', 43, 45)]);
    // Still open: the merged outage is open.
    expect(outagesPerService([incident('mail', 43, 45), incident('mail', 44, null)])).toEqual([incident('mail', 43, null)]);
  });

  it('keeps apart what does not overlap, other services, and host-level incidents; planned only when all were', () => {
    const rows = [incident('mail', 10, 12), incident('mail', 13, 14), incident('web', 10.5, 11), incident(null, 10, 11), incident(null, 10.5, 11.5)];
    expect(outagesPerService(rows)).toHaveLength(5);
    expect(outagesPerService([incident('mail', 10, 12, true), incident('mail', 11, 13, false)])).toEqual([incident('mail', 10, 13, false)]);
  });
});
