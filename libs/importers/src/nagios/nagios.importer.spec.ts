import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importNagios } from './nagios.importer.js';

const TREE = 'test/fixtures/importers/nagios/nagios.cfg';

describe('Nagios importer on a 60-host tree with templates', () => {
  const fleet = importNagios(TREE);
  const monitor = (name: string) => fleet.monitors.find((m) => m.name === name);

  it('reads every host through nagios.cfg, its cfg_file and cfg_dir, with templates, groups and parents', () => {
    expect(fleet.hosts).toHaveLength(60);
    const web07 = fleet.hosts.find((h) => h.name === 'web07')!;
    // web-server uses linux-server (hostgroups linux) and adds +web; customer-facing nests web and mail.
    expect(web07.tags.sort()).toEqual(['customer-facing', 'linux', 'web']);
    expect(web07.parents).toEqual(['sw-mad2']);
    expect(web07.addresses).toEqual(['10.11.1.17']);
    // A host's own hostgroups replace the template's (no "+"): mail hosts are not in "linux".
    expect(fleet.hosts.find((h) => h.name === 'mail03')!.tags.sort()).toEqual(['customer-facing', 'mail']);
    expect(fleet.hosts.find((h) => h.name === 'sw-mad1')!.tags).toEqual(['network']);
    expect(fleet.hosts.find((h) => h.name === 'v6-edge')!.addresses).toEqual(['2001:db8::10']);
  });

  it('maps the standard plugins with their arguments and macros', () => {
    expect(monitor('web07 HTTP')).toMatchObject({
      type: 'http', host: 'web07', intervalMs: 300_000, tags: ['websites'],
      config: { url: 'http://10.11.1.17/healthz', expectedStatus: [200, 301], bodyContains: 'OK' },
    });
    expect(monitor('web01 Shop HTTPS')!.config).toEqual({
      url: 'https://shop.example-hosting.net/', expectedStatus: [200], maxLatencyMs: 2000, certExpiryWarnDays: 21,
    });
    expect(monitor('web01 Shop HTTPS')!.timeoutMs).toBe(10_000);
    // fast-service: check_interval 1 × interval_length 60.
    expect(monitor('mail04 SMTP')).toMatchObject({ type: 'smtp', intervalMs: 60_000, config: { port: 25, starttls: true, ehloName: 'nagios.example-hosting.net' } });
    expect(monitor('mail04 IMAPS')).toMatchObject({ type: 'imap', config: { port: 993, tls: true } });
    expect(monitor('mail01 POP3')).toMatchObject({ type: 'pop3', enabled: false });
    expect(monitor('web01 Memcached')).toMatchObject({ type: 'tcp', config: { port: 11211 } });
    expect(monitor('ns2 DNS example-hosting.net')).toMatchObject({ type: 'dns', config: { server: '10.12.4.12', name: 'example-hosting.net', expect: ['10.10.1.11'] } });
    expect(monitor('backup01 Load')).toMatchObject({ type: 'ssh', timeoutMs: 20_000, config: { user: 'nagios', command: '/usr/lib/nagios/plugins/check_load -w 8,6,4 -c 12,10,8', expectExitCode: 0 } });
    expect(monitor('web03 host check')).toMatchObject({ type: 'icmp', config: { count: 5 } });
  });

  it('takes custom host variables ($_HOSTSSH_PORT$) from the host, over its template', () => {
    expect(monitor('web05 SSH')).toMatchObject({ type: 'tcp', config: { port: 22, expect: 'SSH-' } });
    // db hosts override hostgroups (not linux) — no SSH service; lb hosts add +balancers and keep linux.
    expect(monitor('db01 SSH')).toBeUndefined();
    expect(monitor('lb02 SSH')).toBeDefined();
  });

  it('applies exclusions (!group, !host) across the union of host_name and hostgroup_name', () => {
    const ssh = fleet.monitors.filter((m) => m.name.endsWith(' SSH')).map((m) => m.host).sort();
    expect(ssh).not.toContain('backup02');
    expect(ssh).toContain('backup01');
    expect(ssh.filter((h) => h.startsWith('sw-'))).toEqual([]);
    expect(ssh).toHaveLength(24 + 3 + 1 + 1); // web, lb, backup01, monitor01
  });

  it('never copies a password: the MySQL replica check asks for it as a secret', () => {
    const replica = monitor('db02 MySQL replication')!;
    expect(replica).toMatchObject({ type: 'mysql', config: { user: 'nagios', replica: true, maxLagSeconds: 120 }, secretsNeeded: ['password'] });
    expect(JSON.stringify(fleet)).not.toContain('S3cr3t');
    expect(monitor('db01 MySQL replication')).toBeUndefined();
  });

  it('reports everything it could not map, with where and why', () => {
    const why = (what: string) => fleet.unmapped.find((u) => u.what.startsWith(what));
    expect(why('backup01 Disk /srv')).toMatchObject({ why: expect.stringContaining('check_nrpe has no Vigia probe'), origin: expect.stringMatching(/services\.cfg:\d+$/) });
    expect(why('monitor01 DNS via local resolver')!.why).toContain('without a server');
    expect(why('host mail11')!.why).toContain('is a DNS name');
    expect(why('contact noc')!.why).toContain('people are not imported');
    expect(why('timeperiod workhours')).toBeDefined();
    expect(why('servicedependency')).toBeDefined();
    expect(fleet.hosts.find((h) => h.name === 'mail11')!.addresses).toEqual([]);
  });

  it('reports broken definitions and unknown templates instead of guessing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nagios-'));
    const file = path.join(dir, 'broken.cfg');
    writeFileSync(file, [
      'define command {', '  command_name check_http', '  command_line /usr/lib/nagios/plugins/check_http -H $HOSTADDRESS$ $ARG1$', '}',
      'define host {', '  use missing-template', '  host_name a', '  address 192.0.2.1', '}',
      'define service {', '  host_name a', '  service_description regex', '  check_command check_http!-r "(a+)+\\1"', '}',
      'define service {', '  host_name nobody', '  service_description x', '  check_command check_http', '}',
      'this is not nagios', 'define host {', '  host_name b',
    ].join('\n'));
    const result = importNagios(file);
    const whys = result.unmapped.map((u) => `${path.basename(u.origin)} ${u.why}`);
    expect(whys).toContain('broken.cfg:5 uses template "missing-template", which no host defines');
    expect(whys).toContain('broken.cfg:20 expected "define <type> {", found "this is not nagios"');
    expect(whys).toContain('broken.cfg:21 "define host" is never closed with "}"');
    expect(whys.find((w) => w.startsWith('broken.cfg:10'))).toContain('config.bodyRegex');
    expect(whys).toContain('broken.cfg:15 host nobody is not defined');
    expect(result.monitors).toEqual([]);
  });
});
