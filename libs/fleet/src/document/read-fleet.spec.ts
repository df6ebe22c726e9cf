import { describe, expect, it } from 'vitest';
import { type FleetSource, formatProblem } from './fleet-source.js';
import { readFleet } from './read-fleet.js';
import { writeFleet } from './write-fleet.js';

const GOOD = `version: 1
defaults:
  monitors: { interval: 30s, timeout: 5s }
sites:
  - name: mad1
hosts:
  - name: web-1
    site: mad1
    addresses: [192.0.2.10]
    ssh: { hostKey: "SHA256:${'A'.repeat(43)}" }
  - name: db-1
    addresses: [192.0.2.11]
    ssh: { jumpHost: web-1 }
customers:
  - { name: Acme, email: ops@acme.example }
services:
  - { name: www, host: web-1, type: web, port: 443, customerFacingName: Shop, customers: [Acme] }
x-templates:
  http: &http { type: http, host: web-1, service: www }
monitors:
  - { <<: *http, name: web-1-home, config: { url: "https://192.0.2.10/" } }
  - { <<: *http, name: web-1-api, config: { url: "https://192.0.2.10/api", headers: { Authorization: { env: API_TOKEN } } } }
  - { name: db-1-mysql, host: db-1, type: mysql, config: { host: 192.0.2.11, user: vigia, password: { env: DB_PASSWORD } } }
`;

describe('readFleet', () => {
  it('reads a fleet with defaults, merge keys and secret references; writing it back reads the same', () => {
    const text = GOOD.replace(/x-templates:\n.*\n/, '');
    const withAnchor = text.replace('monitors:\n', 'monitors:\n  - &http_proto { name: proto, host: web-1, service: www, type: http, config: { url: "https://192.0.2.10/p", expectedStatus: [200] } }\n')
      .replaceAll('<<: *http,', '<<: *http_proto,');
    const read = readFleet('fleet.yaml', withAnchor);
    expect(read.problems.map(formatProblem)).toEqual([]);
    const doc = read.document!;
    expect(doc.monitors.map((m) => [m.name, m.interval, m.service])).toEqual([['proto', '30s', 'www'], ['web-1-home', '30s', 'www'], ['web-1-api', '30s', 'www'], ['db-1-mysql', '30s', null]]);
    expect(doc.monitors[2]!.config).toEqual({ url: 'https://192.0.2.10/api', headers: { Authorization: { env: 'API_TOKEN' } } });
    expect(doc.hosts[1]!.ssh).toEqual({ user: 'root', port: 22, hostKey: null, credential: null, jumpHost: 'web-1' });
    const again = readFleet('export.yaml', writeFleet(doc));
    expect(again.problems).toEqual([]);
    expect(again.document).toEqual(doc);
  });

  it('reports every problem at once, each with file:line:column and the field in words', () => {
    const bad = `version: 1
sites:
  - name: mad1
  - name: mad1
hosts:
  - name: web-1
    site: bcn
    addresses: [192.0.2.10]
    colour: blue
  - name: a
    addresses: [192.0.2.1]
    ssh: { jumpHost: b }
  - name: b
    addresses: [192.0.2.2]
    ssh: { jumpHost: a }
  - name: c
    site: 3f1c2d9e-1111-4222-8333-444455556666
    addresses: [192.0.2.3]
services:
  - { name: www, host: web-9, type: web, customers: [Nobody] }
monitors:
  - name: m1
    host: web-1
    type: mysql
    config: { host: 192.0.2.10, user: u, password: hunter2 }
  - name: m2
    host: web-1
    service: mail
    type: http
    config: { url: "ftp://x" }
    interval: 5 minutes
`;
    const read = readFleet('bad.yaml', bad);
    expect(read.document).toBeNull();
    const lines = read.problems.map(formatProblem);
    // Schema problems come first; the file is not checked across objects until each object is right.
    expect(lines).toEqual([
      'bad.yaml:9:5: host web-1, colour: is not a field here',
      'bad.yaml:25:52: monitor web-1/m1, config.password: is a secret written in the file: refer to it as { env: NAME } or { file: path, key: name }',
      'bad.yaml:30:20: monitor web-1/m2, config.url: must be an http:// or https:// URL',
      'bad.yaml:31:15: monitor web-1/m2, interval: must be a duration such as 30s, 1m or 500ms',
    ]);
    const crossed = readFleet('bad.yaml', bad.replace('    colour: blue\n', '').replace('password: hunter2', 'password: { env: P }').replace('ftp://x', 'http://x').replace('5 minutes', '5m'));
    expect(crossed.problems.map(formatProblem)).toEqual([
      'bad.yaml:4:11: site mad1, name: mad1 is defined twice (first as item 1 of sites)',
      'bad.yaml:7:11: host web-1, site: site bcn is not defined in this file',
      'bad.yaml:11:22: host a, ssh.jumpHost: jump hosts form a cycle: a → b → a',
      'bad.yaml:16:11: host c, site: is a database id: a fleet file names its objects (ids belong to one tenant\'s database and do not travel)',
      'bad.yaml:19:24: service web-9/www, host: host web-9 is not defined in this file',
      'bad.yaml:19:54: service web-9/www, customers[0]: customer Nobody is not defined in this file',
      'bad.yaml:27:14: monitor web-1/m2, service: service mail is not defined on host web-1 in this file',
    ]);
  });

  it('refuses names that show nothing or read differently from what they are, in the API\'s words', () => {
    const text = `version: 1
sites:
  - name: "\\u200B\\u200B"
customers:
  - name: "Acme\\u202Egpj.exe"
  - name: "Müller\\u200DGmbH"
`;
    const read = readFleet('names.yaml', text);
    expect(read.problems.map(formatProblem)).toEqual([
      'names.yaml:3:11: site \u200B\u200B, name: must contain a visible character (it holds only spaces or zero-width characters)',
      'names.yaml:5:11: customer Acme\u202Egpj.exe, name: must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069): they make a name read differently from what it is',
    ]);
  });

  it('refuses an alias bomb (a few kilobytes expanding to millions of values) before expanding it', () => {
    const keys = (prefix: string, n: number, value: string) => `{${Array.from({ length: n }, (_, i) => `${prefix}${i}: ${value}`).join(', ')}}`;
    const bomb = `version: 1
defaults:
  hosts:
    b0: &l0 ${keys('k', 1000, '1')}
    b1: &l1 ${keys('a', 50, '*l0')}
    b2: &l2 ${keys('c', 200, '*l1')}
hosts:
  - {name: h0, addresses: [192.0.2.1], b2: *l2}
`;
    expect(bomb.length).toBeLessThan(12_000);
    const read = readFleet('bomb.yaml', bomb);
    expect(read.document).toBeNull();
    expect(read.problems.map(formatProblem)).toEqual(['bomb.yaml:1:1: the file expands to more than 1,000,000 values (aliases followed, defaults copied into each item): split it, or use fewer nested aliases']);
    // Defaults copied into many items count too: 20,000 values of defaults × 100 hosts.
    const copied = `version: 1\ndefaults:\n  hosts:\n    x: ${keys('k', 20_000, '1')}\nhosts:\n${Array.from({ length: 100 }, (_, i) => `  - {name: h${i}, addresses: [192.0.2.1]}`).join('\n')}\n`;
    expect(readFleet('copied.yaml', copied).problems.map((p) => p.message)).toEqual([expect.stringMatching(/^the file expands to more than 1,000,000 values/)]);
  });

  it('reports YAML syntax errors and unknown sections with their place', () => {
    expect(readFleet('s.yaml', 'hosts:\n  - name: [a\n').problems.map(formatProblem)[0]).toMatch(/^s\.yaml:3:\d+: YAML: /);
    expect(readFleet('s.yaml', 'hostz: []\n').problems.map(formatProblem)).toEqual(['s.yaml:1:1: hostz: is not a section of a fleet file (version, tenant, defaults, sites, hosts, customers, services, monitors, maintenance, runbooks, channels, escalation, resources)']);
  });
});

describe('readFleet: a bad default', () => {
  it('is said once, at the default, not once per item that took it; a value an item writes itself is the item\'s', () => {
    const file = `hosts:
  - { name: web-1, addresses: [192.0.2.10] }
defaults:
  monitors: { interval: 10 parsecs, config: { port: 99999 } }
monitors:
  - { name: a, host: web-1, type: tcp }
  - { name: b, host: web-1, type: tcp }
  - { name: c, host: web-1, type: tcp, interval: 5 fortnights }
`;
    const lines = readFleet('d.yaml', file).problems.map(formatProblem);
    expect(lines.filter((l) => l.includes('interval'))).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^d\.yaml:4:\d+: defaults\.monitors, interval: /));
    expect(lines).toContainEqual(expect.stringMatching(/^d\.yaml:4:\d+: defaults\.monitors, config\.port: /));
    expect(lines).toContainEqual(expect.stringMatching(/^d\.yaml:8:\d+: monitor web-1\/c, interval: /));
    expect(lines.filter((l) => l.includes('config.port'))).toHaveLength(1);
  });
});

describe('readFleet: maintenance windows', () => {
  const file = `hosts:
  - { name: web-1, addresses: [192.0.2.10] }
defaults:
  maintenance: { timeZone: Europe/Madrid }
maintenance:
  - { name: weekly, from: 2026-03-24T02:30, until: 2026-03-24T04:00, recurrence: "RRULE:FREQ=WEEKLY;BYDAY=TU", hosts: [web-1] }
  - { name: once, from: 2026-12-10T21:00, until: "2026-12-10T23:00+01:00", hosts: [web-1] }
`;

  it('holds a repeating window in its zone and a one-off in UTC (as the API stores them), and writes it back the same', () => {
    const read = readFleet('m.yaml', file);
    expect(read.problems).toEqual([]);
    expect(read.document!.maintenance).toEqual([
      { name: 'weekly', from: '2026-03-24T02:30', until: '2026-03-24T04:00', timeZone: 'Europe/Madrid', recurrence: 'FREQ=WEEKLY;BYDAY=TU', hosts: ['web-1'], services: [], monitors: [] },
      { name: 'once', from: '2026-12-10T20:00Z', until: '2026-12-10T22:00Z', timeZone: null, recurrence: null, hosts: ['web-1'], services: [], monitors: [] },
    ]);
    expect(readFleet('again.yaml', writeFleet(read.document!)).document).toEqual(read.document);
  });

  it('a local time needs a zone; names of this file only', () => {
    const read = readFleet('m.yaml', file.replace('defaults:\n  maintenance: { timeZone: Europe/Madrid }\n', ''));
    expect(read.problems.map(formatProblem)).toEqual([
      'm.yaml:4:27: maintenance window weekly, from: has no UTC offset: give the window a timeZone, or write the time as an instant (2026-12-01T01:00Z)',
      'm.yaml:4:52: maintenance window weekly, until: has no UTC offset: give the window a timeZone, or write the time as an instant (2026-12-01T01:00Z)',
      'm.yaml:5:25: maintenance window once, from: has no UTC offset: give the window a timeZone, or write the time as an instant (2026-12-01T01:00Z)',
    ]);
    expect(readFleet('m.yaml', file.replace('hosts: [web-1] }\n  - { name: once', 'hosts: [web-9], services: [web-1/www] }\n  - { name: once')).problems.map(formatProblem)).toEqual([
      'm.yaml:6:120: maintenance window weekly, hosts[0]: host web-9 is not defined in this file',
      'm.yaml:6:139: maintenance window weekly, services[0]: service web-1/www is not defined in this file',
    ]);
  });
});

describe('readFleet: monitor names are unique per host', () => {
  const file = (monitors: string, extra = '') => `hosts:
  - { name: web-1, addresses: [192.0.2.10] }
  - { name: web-2, addresses: [192.0.2.11] }
monitors:
  - { name: http, host: web-1, type: tcp, config: { port: 80 } }
  - { name: http, host: web-2, type: tcp, config: { port: 80 } }
  - { name: ssh, host: web-2, type: tcp, config: { port: 22 } }
${extra}maintenance:
  - { name: patch, from: 2026-12-10T20:00Z, until: 2026-12-10T22:00Z, monitors: [${monitors}] }
`;

  it('reads one name on two hosts; a window names them host/monitor, or by a bare name only one host has', () => {
    const read = readFleet('f.yaml', file('web-1/http, ssh'));
    expect(read.problems.map(formatProblem)).toEqual([]);
    expect(read.document!.monitors.map((m) => `${m.host}/${m.name}`)).toEqual(['web-1/http', 'web-2/http', 'web-2/ssh']);
    // The bare name is held as its key: the document (and an export) writes host/monitor.
    expect(read.document!.maintenance[0]!.monitors).toEqual(['web-1/http', 'web-2/ssh']);
    expect(readFleet('again.yaml', writeFleet(read.document!)).document).toEqual(read.document);
  });

  it('refuses a bare name two hosts have, naming both, and one host having a name twice', () => {
    expect(readFleet('f.yaml', file('http')).problems.map(formatProblem)).toEqual([
      'f.yaml:9:82: maintenance window patch, monitors[0]: monitor http is on 2 hosts (web-1, web-2): write which one as host/monitor, e.g. web-1/http',
    ]);
    expect(readFleet('f.yaml', file('web-3/http, smtp')).problems.map(formatProblem)).toEqual([
      'f.yaml:9:82: maintenance window patch, monitors[0]: monitor web-3/http is not defined in this file',
      'f.yaml:9:94: maintenance window patch, monitors[1]: monitor smtp is not defined in this file (write host/monitor)',
    ]);
    const twice = readFleet('f.yaml', file('ssh').replace('  - { name: ssh, host: web-2', '  - { name: http, host: web-2, type: tcp, config: { port: 8080 } }\n  - { name: ssh, host: web-2'));
    expect(twice.problems.map(formatProblem)).toEqual(['f.yaml:7:13: monitor web-2/http, name: web-2/http is defined twice (first as item 2 of monitors)']);
  });
});

describe('readFleet: resources', () => {
  const fleet = (resources: string) => `hosts:
  - { name: web-1, addresses: [192.0.2.10] }
  - { name: web-2, addresses: [192.0.2.11] }
monitors:
  - { name: http, host: web-1, type: tcp, config: { port: 80 } }
  - { name: http, host: web-2, type: tcp, config: { port: 80 } }
runbooks:
  - { name: move-vip, source: "name: move-vip\\nsteps: []\\n" }
resources:
${resources}`;

  it('reads members by host, their monitors as host/name, runbooks by name and secrets by reference; writes it back the same', () => {
    const read = readFleet('f.yaml', fleet(`  - name: web-vip
    kind: vip_group
    config: { address: 10.0.0.100/24, interface: eth0 }
    members: [{ host: web-1, monitors: [http] }, { host: web-2, monitors: [web-2/http] }]
    primary: web-2
    runbook: move-vip
    failback: auto
  - { name: db, kind: mysql_group, members: [{ host: web-1 }], runbook: builtin/mysql-failover, secrets: { password: { env: DB_PASSWORD }, user: { file: s.yaml, key: u } } }
`));
    expect(read.problems.map(formatProblem)).toEqual([]);
    const [vip, db] = read.document!.resources;
    expect(vip!.members).toEqual([{ host: 'web-1', monitors: ['web-1/http'], weight: null, value: null }, { host: 'web-2', monitors: ['web-2/http'], weight: null, value: null }]);
    expect([vip!.primary, vip!.runbook, vip!.recoveryRunbook, vip!.cooldownMinutes, vip!.failback]).toEqual(['web-2', 'move-vip', null, 5, 'auto']);
    expect(db!.secrets).toEqual({ password: { env: 'DB_PASSWORD' }, user: { file: 's.yaml', key: 'u' } });
    expect(readFleet('again.yaml', writeFleet(read.document!)).document).toEqual(read.document);
  });

  it('refuses a bad kind, a member of no host, a monitor of another host, an unknown runbook, a primary not a member, a secret written inline, all at their field', () => {
    const read = readFleet('f.yaml', fleet(`  - { name: a, kind: floating_ip, members: [{ host: web-1 }] }
  - { name: b, kind: vip_group, members: [{ host: web-9 }, { host: web-1, monitors: [web-2/http], weight: 3 }], primary: web-2, runbook: nope }
  - { name: c, kind: mysql_group, members: [{ host: web-1 }], secrets: { password: hunter2 } }
  - { name: d, kind: vip_group, members: [], secrets: { token: { env: T } } }
`));
    expect(read.problems.map(formatProblem)).toEqual([
      'f.yaml:12:84: resource c, secrets.password: is a secret written in the file: refer to it as { env: NAME } or { file: path, key: name }',
      'f.yaml:13:42: resource d, members: needs 1 to 16 members',
    ]);
    const crossed = readFleet('f.yaml', fleet(`  - { name: a, kind: floating_ip, members: [{ host: web-1 }] }
  - { name: b, kind: vip_group, members: [{ host: web-9 }, { host: web-1, monitors: [web-2/http], weight: 3 }], primary: web-2, runbook: nope }
  - { name: d, kind: vip_group, members: [{ host: web-1 }], secrets: { token: { env: T } } }
`));
    expect(crossed.problems.map(formatProblem)).toEqual([
      'f.yaml:10:22: resource a, kind: must be one of vip_group, dns_record, lb_pool, mysql_group, vm',
      'f.yaml:11:51: resource b, members[0].host: host web-9 is not defined in this file',
      'f.yaml:11:86: resource b, members[1].monitors[0]: monitor web-2/http does not watch web-1 (a member\'s monitors are those of its host)',
      'f.yaml:11:107: resource b, members[1].weight: a vip_group resource\'s members have no weight',
      'f.yaml:11:122: resource b, primary: must be one of the members',
      'f.yaml:11:138: resource b, runbook: runbook nope is not defined in this file (nor a built-in one)',
      'f.yaml:12:79: resource d, secrets.token: vip_group resources have no secrets',
    ]);
  });
});

describe('readFleet: the tenant\'s settings, schedules and people in steps, a runbook\'s schedule', () => {
  const FILE = `version: 1
tenant:
  vantages: { from: [fra-1], quorum: 1 }
channels:
  - { name: ops-mail, type: email, config: { to: [ops@example.com] } }
escalation:
  - name: route
    steps:
      - { delayMinutes: 0, channels: [ops-mail], schedules: [Primary] }
      - { delayMinutes: 5, people: [ana@example.com] }
runbooks:
  - { name: tidy, schedule: { everyMinutes: 60 }, source: "name: tidy\\nsteps:\\n  - { name: say, type: notify, with: { message: m } }\\n" }
`;

  it('reads them and writes them back the same', () => {
    const read = readFleet('f.yaml', FILE);
    expect(read.problems).toEqual([]);
    const doc = read.document!;
    expect(doc.tenant).toEqual([{ name: 'tenant', vantages: { from: ['fra-1'], quorum: 1, count: null } }]);
    expect(doc.escalation[0]!.steps).toEqual([{ delayMinutes: 0, channels: ['ops-mail'], schedules: ['Primary'], people: [] }, { delayMinutes: 5, channels: [], schedules: [], people: ['ana@example.com'] }]);
    expect(doc.runbooks[0]!.schedule).toEqual({ everyMinutes: 60, resource: null });
    expect(readFleet('again.yaml', writeFleet(doc)).document).toEqual(doc);
  });

  it('a problem the server placed by path only is found in the file: the tenant\'s block has no index in it', () => {
    const { source } = readFleet('f.yaml', FILE);
    const placed = (source as FleetSource).relocate({ file: 'f.yaml', line: 0, column: 0, path: ['tenant', 0, 'vantages', 'quorum'], field: 'tenant, vantages.quorum', message: 'too many' });
    expect(formatProblem(placed)).toBe('f.yaml:3:38: tenant, vantages.quorum: too many');
    const step = (source as FleetSource).relocate({ file: 'f.yaml', line: 0, column: 0, path: ['escalation', 0, 'steps', 1, 'people', 0], field: 'x', message: 'not found' });
    expect([step.line, step.column]).toEqual([10, 37]);
  });
});
