import { describe, expect, it } from 'vitest';
import { readFleet, writeFleet } from '#lib/fleet';
import { FleetCollector } from './imported-fleet.js';
import { toFleet } from './to-fleet.js';

describe('FleetCollector: monitor names are unique per host', () => {
  const tcp = (host: string, name: string) => ({ name, host, type: 'tcp' as const, config: { port: 80 }, intervalMs: 60_000, timeoutMs: 10_000, origin: `test ${host} ${name}` });

  it('keeps one name on two hosts; a host that has it already gets a number; the fleet reads back', () => {
    const out = new FleetCollector('test');
    for (const host of ['web-1', 'web-2']) out.host({ name: host, addresses: ['192.0.2.10'], origin: 'test' });
    out.monitor(tcp('web-1', 'HTTP'));
    out.monitor(tcp('web-2', 'HTTP'));
    out.monitor(tcp('web-1', 'HTTP'));
    expect(out.monitors.map((m) => `${m.host}/${m.name}`)).toEqual(['web-1/HTTP', 'web-2/HTTP', 'web-1/HTTP (2)']);
    const read = readFleet('fleet.yaml', writeFleet(toFleet(out.result()).document));
    expect(read.problems).toEqual([]);
    expect(read.document!.monitors.map((m) => `${m.host}/${m.name}`)).toEqual(['web-1/HTTP', 'web-2/HTTP', 'web-1/HTTP (2)']);
  });
});
