import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './icinga-dsl.js';
import { importIcinga2 } from './icinga2.importer.js';

describe('Icinga 2 importer on a conf.d tree', () => {
  const fleet = importIcinga2('test/fixtures/importers/icinga2');
  const monitor = (name: string) => fleet.monitors.find((m) => m.name === name);
  const report = (what: string) => fleet.unmapped.filter((u) => u.what.startsWith(what)).map((u) => `${path.basename(u.origin)} ${u.why}`);
  const hostsOf = (service: string) => fleet.monitors.filter((m) => m.name.endsWith(` ${service}`)).map((m) => m.host).sort();

  it('reads hosts with their templates, addresses and host groups assigned by rule', () => {
    expect(fleet.hosts).toHaveLength(18);
    expect(fleet.hosts.find((h) => h.name === 'web02')!.tags).toEqual(['linux-servers', 'madrid-1']);
    expect(fleet.hosts.find((h) => h.name === 'ns1')).toMatchObject({ addresses: ['10.60.4.53', '2001:db8:60::53'], tags: ['linux-servers', 'dns'] });
    expect(fleet.hosts.find((h) => h.name === 'sw-core')!.tags).toEqual([]);
    expect(monitor('sw-core host check')).toMatchObject({ type: 'icmp', intervalMs: 60_000 });
    expect(report('host backup.example-hosting.net')[0]).toContain('is a DNS name');
  });

  it('applies rules with assign and ignore where, &&, in, match() and regex()', () => {
    // os == Linux, minus the ignored backup host: 8 web + 4 mail + 2 db + ns1.
    expect(hostsOf('ssh')).toHaveLength(15);
    expect(hostsOf('ssh')).not.toContain('backup.example-hosting.net');
    expect(monitor('db01 ssh')!.config).toEqual({ port: 2222, expect: 'SSH-' });
    expect(hostsOf('imaps')).toEqual(['mail01', 'mail03']);
    expect(monitor('mail03 imaps')).toMatchObject({ type: 'imap', intervalMs: 300_000, config: { port: 993, tls: true } });
    expect(hostsOf('smtp')).toEqual(['mail01', 'mail02', 'mail03', 'mail04']);
    expect(hostsOf('dns-zone')).toEqual(['ns1']);
    expect(monitor('ns1 dns-zone')!.config).toEqual({ server: '10.60.4.53', name: 'example-hosting.net', expect: ['10.60.1.11'] });
    // match() is wildcards only ("[12]" is literal), regex() is a regular expression.
    expect(hostsOf('web-matched')).toEqual(['web03']);
  });

  it('expands apply-for rules over a host dictionary, merging each entry into vars', () => {
    expect(monitor('web01 www-site1')!.config).toEqual({ url: 'https://www.site1.example/' });
    expect(monitor('web04 health')!.config).toEqual({ url: 'http://10.60.1.14/healthz', expectedStatus: [200], bodyContains: 'OK' });
    expect(fleet.monitors.filter((m) => m.name.endsWith(' health'))).toHaveLength(4);
  });

  it('maps object services and ITL variables; passwords are asked for, never copied', () => {
    expect(monitor('web01 panel')).toMatchObject({ tags: ['platform'], config: { url: 'https://panel.example-hosting.net/', maxLatencyMs: 2000, certExpiryWarnDays: 30 } });
    expect(monitor('win-rdp01 rdp')).toMatchObject({ type: 'tcp', enabled: false, config: { port: 3389 } });
    expect(monitor('db01 mysql')).toMatchObject({ config: { user: 'icinga', database: 'customers' }, secretsNeeded: ['password'] });
    expect(monitor('db02 mysql-replication')!.config).toEqual({ user: 'icinga', replica: true, maxLagSeconds: 120 });
    expect(monitor('backup.example-hosting.net backup-fresh')).toMatchObject({ type: 'ssh', config: { user: 'icinga' } });
    expect(JSON.stringify(fleet)).not.toContain('icinga-db-secret-17');
  });

  it('reports what it cannot resolve or map, once per rule, with file and line', () => {
    expect(report('apply Service "disk" on web01, web02, web03 and 13 more')[0]).toMatch(/^services\.conf:\d+ check command disk has no Vigia probe/);
    expect(report('apply Service "api-health"')[0]).toContain('cannot be resolved statically');
    expect(report('Service load')[0]).toContain('"if" inside a definition is not evaluated');
    expect(report('Service "ghost"')[0]).toContain('host_name web99 is not a defined host');
    expect(report('object User "noc"')[0]).toContain('people are not imported');
    expect(report('apply Notification "mail-noc"')).toHaveLength(1);
    expect(report('object CheckCommand "check_rdp_login"')[0]).toContain('custom check commands');
    expect(report('configuration')[0]).toContain('"const" at the top level is not read');
  });

  it('reports a syntax error with its line and goes on with the next definition', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'icinga-'));
    writeFileSync(path.join(dir, 'broken.conf'), 'object Host "a" {\n  address = "192.0.2.1"\n  vars.x = \n}\nobject Host "b" {\n  address = "192.0.2.2"\n}\n');
    const result = importIcinga2(dir);
    expect(result.unmapped[0]).toMatchObject({ what: 'configuration', why: 'unexpected "}"' });
    expect(result.unmapped[0]!.origin).toMatch(/broken\.conf:4$/);
    expect(result.hosts.map((h) => h.name)).toEqual(['b']);
  });

  it('parses the language\'s literals: durations, heredocs, nested dictionaries, !in', () => {
    const { blocks, problems } = parseConfig('object Service "s" {\n check_interval = 2.5m\n notes = {{{multi\nline}}}\n vars.d["a b"] = { x = [1, "two", true] }\n assign where !("x" !in host.groups)\n}');
    expect(problems).toEqual([]);
    expect(blocks[0]!.body.map((s) => s.k)).toEqual(['set', 'set', 'set', 'assign']);
    const interval = blocks[0]!.body[0]!;
    expect(interval.k === 'set' && interval.value).toEqual({ k: 'lit', v: 150 });
  });
});
