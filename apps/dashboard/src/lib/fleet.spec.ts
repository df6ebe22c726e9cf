import { describe, expect, it } from 'vitest';
import { applyEvent, countByState, displayState, type FleetRow, flatten, fromColumns, indexRows } from './fleet.js';

const row = (over: Partial<FleetRow>): FleetRow => ({
  monitorId: over.monitorName ?? 'm',
  monitorName: 'm',
  type: 'http',
  enabled: true,
  hostId: 'h1',
  hostName: 'web1',
  siteId: 's1',
  siteName: 'dc1',
  serviceId: null,
  serviceName: null,
  health: 'up',
  flapping: false,
  maintenance: false,
  since: null,
  reason: null,
  ...over,
});

describe('fleet view model', () => {
  it('lets maintenance (and flapping, unless down) win over the detector’s health, and shows disabled monitors as such', () => {
    expect(displayState(row({ health: 'down', maintenance: true }))).toBe('maintenance');
    expect(displayState(row({ health: 'down', flapping: true }))).toBe('down');
    expect(displayState(row({ health: 'up', flapping: true }))).toBe('flapping');
    expect(displayState(row({ health: 'degraded', flapping: true }))).toBe('flapping');
    expect(displayState(row({ health: 'down', enabled: false, maintenance: true }))).toBe('disabled');
    expect(displayState(row({ health: 'suspect' }))).toBe('suspect');
  });

  it('groups by site and host with the worst state of each group', () => {
    const rows = [
      row({ monitorName: 'a', health: 'up' }),
      row({ monitorName: 'b', health: 'degraded' }),
      row({ monitorName: 'c', hostId: 'h2', hostName: 'web2', health: 'down' }),
      row({ monitorName: 'd', hostId: 'h3', hostName: 'db1', siteId: 's2', siteName: 'dc2' }),
    ];
    const list = flatten(rows, { search: '', state: 'all', siteId: 'all' });
    expect(list.map((r) => `${r.kind}:${r.kind === 'monitor' ? r.row.monitorName : r.name}:${r.state}`)).toEqual([
      'site:dc1:down',
      'host:web1:degraded',
      'monitor:a:up',
      'monitor:b:degraded',
      'host:web2:down',
      'monitor:c:down',
      'site:dc2:up',
      'host:db1:up',
      'monitor:d:up',
    ]);
  });

  it('filters by search over every name, by state (or problems only) and by site, keeping only groups with matches', () => {
    const rows = [row({ monitorName: 'shop-http', serviceName: 'shop.example' }), row({ monitorName: 'ping', health: 'down' }), row({ monitorName: 'x', siteId: 's2', siteName: 'dc2' })];
    const names = (f: Parameters<typeof flatten>[1]) => flatten(rows, f).filter((r) => r.kind === 'monitor').map((r) => (r.kind === 'monitor' ? r.row.monitorName : ''));
    expect(names({ search: 'SHOP.EX', state: 'all', siteId: 'all' })).toEqual(['shop-http']);
    expect(names({ search: '', state: 'problems', siteId: 'all' })).toEqual(['ping']);
    expect(names({ search: '', state: 'up', siteId: 's2' })).toEqual(['x']);
    expect(flatten(rows, { search: 'nothing', state: 'all', siteId: 'all' })).toEqual([]);
  });

  it('applies a live event to one row without touching the others, and ignores unknown monitors', () => {
    const rows = [row({ monitorName: 'a' }), row({ monitorName: 'b' })];
    // Confirmed at 00:00:01.2, down since 00:00:00.6 (the outage's start): the row shows what a reload shows.
    const next = applyEvent(rows, indexRows(rows), { monitorId: 'b', to: 'down', flapping: false, at: '2026-11-22T00:00:01.200Z', since: '2026-11-22T00:00:00.600Z', reason: 'HTTP 503' });
    expect(next[1]).toMatchObject({ health: 'down', reason: 'HTTP 503', since: '2026-11-22T00:00:00.600Z' });
    // Only its flapping flag changed: the health, and so its since, stay.
    const flapping = applyEvent(next, indexRows(next), { monitorId: 'b', to: 'down', flapping: true, at: '2026-11-22T00:05:00Z', since: '2026-11-22T00:00:00.600Z', reason: 'HTTP 503' });
    expect(flapping[1]).toMatchObject({ flapping: true, since: '2026-11-22T00:00:00.600Z' });
    expect(next[0]).toBe(rows[0]);
    expect(rows[1]!.health).toBe('up');
    expect(applyEvent(rows, indexRows(rows), { monitorId: 'zz', to: 'down', flapping: false, at: '', reason: '' })).toBe(rows);
    expect(countByState(next).filter((c) => c.count)).toEqual([
      { state: 'down', count: 1 },
      { state: 'up', count: 1 },
    ]);
  });

  it('turns the API’s columns back into rows, resolving host, site and service indices', () => {
    const rows = fromColumns({
      sites: [{ id: 's1', name: 'dc1' }],
      hosts: [
        { id: 'h1', name: 'web1', site: 0 },
        { id: 'h2', name: 'lonely', site: null },
      ],
      services: [{ id: 'v1', name: 'shop' }],
      monitors: {
        id: ['m1', 'm2'],
        name: ['shop-http', 'ping'],
        type: ['http', 'icmp'],
        enabled: [true, false],
        host: [0, 1],
        service: [0, null],
        health: ['down', 'up'],
        flapping: [false, true],
        maintenance: [true, false],
        sinceMs: [Date.UTC(2026, 10, 22), null],
        reason: ['HTTP 503', null],
      },
    });
    expect(rows).toEqual([
      { monitorId: 'm1', monitorName: 'shop-http', type: 'http', enabled: true, hostId: 'h1', hostName: 'web1', siteId: 's1', siteName: 'dc1', serviceId: 'v1', serviceName: 'shop', health: 'down', flapping: false, maintenance: true, since: '2026-11-22T00:00:00.000Z', reason: 'HTTP 503' },
      { monitorId: 'm2', monitorName: 'ping', type: 'icmp', enabled: false, hostId: 'h2', hostName: 'lonely', siteId: null, siteName: null, serviceId: null, serviceName: null, health: 'up', flapping: true, maintenance: false, since: null, reason: null },
    ]);
  });
});
