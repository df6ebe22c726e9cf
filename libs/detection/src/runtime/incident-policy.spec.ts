import { describe, expect, it } from 'vitest';
import type { Health, HealthChange } from './detector.js';
import { type IncidentContext, incidentAction } from './incident-policy.js';

const change = (from: Health, to: Health, flapping = false): HealthChange => ({ from, to, at: 2000, effectiveAt: 1000, reason: 'r', flapping });
const held = (from: Health, to: Health): HealthChange => ({ ...change(from, to), outageWasOpen: true });
const ctx = (over: Partial<IncidentContext> = {}): IncidentContext => ({ inMaintenance: false, hostLevel: false, ...over });

describe('incident policy: what a confirmed change does', () => {
  it.each<[string, HealthChange, IncidentContext, unknown]>([
    ['an outage opens at its first failure', change('suspect', 'down'), ctx(), { kind: 'open', at: 1000, planned: false, flapping: false, suppressed: false }],
    ['inside maintenance it is planned and suppressed', change('suspect', 'down'), ctx({ inMaintenance: true }), { kind: 'open', planned: true, suppressed: true }],
    ['a service outage while its host is down is the host incident’s consequence', change('suspect', 'down'), ctx({ hostIncidentId: 'h1' }), { kind: 'open', causeIncidentId: 'h1', suppressed: true }],
    ['a host-level outage is never grouped under itself', change('suspect', 'down'), ctx({ hostLevel: true, hostIncidentId: 'h1' }), { kind: 'open', causeIncidentId: undefined, suppressed: false }],
    ['a flapping outage holds runbooks', change('up', 'down', true), ctx(), { kind: 'open', flapping: true, suppressed: true }],
    ['recovery resolves at the first success', change('down', 'up'), ctx(), { kind: 'resolve', at: 1000 }],
    ['recovery to degraded resolves too', change('down', 'degraded'), ctx(), { kind: 'resolve', at: 1000 }],
    ['a flapping flag change is noted', change('down', 'down', true), ctx(), { kind: 'flapping', at: 2000, flapping: true }],
    ['suspect opens nothing', change('up', 'suspect'), ctx(), { kind: 'none' }],
    ['a quorum lost while down closes nothing', change('down', 'suspect'), ctx(), { kind: 'none' }],
    ['an outage held open while unknown closes nothing: it is noted on the incident', change('down', 'unknown'), ctx(), { kind: 'note', at: 1000, what: 'unobserved', message: 'r' }],
    ['a first result opens nothing', change('unknown', 'up'), ctx(), { kind: 'none' }],
    ['a recovery confirmed after an outage held open while unknown resolves it', held('unknown', 'up'), ctx(), { kind: 'resolve', at: 1000 }],
    ['seen down again while held open: the same outage (opening is idempotent)', held('unknown', 'down'), ctx(), { kind: 'open', at: 1000 }],
    ['flapping ended while held open (unknown → unknown): the flag changes, pages held are released', { ...held('unknown', 'unknown'), flapping: false }, ctx(), { kind: 'flapping', at: 2000, flapping: false }],
  ])('%s', (_name, c, context, expected) => {
    expect(incidentAction(c, context)).toMatchObject(expected as object);
  });
});
