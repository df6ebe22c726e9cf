/**
 * A realistic fleet file for tests and `npm run bench:fleet`: 3 sites, 60 hosts (40 web, 10 database, 10 mail),
 * 500 customers, 180 services, 1,200 monitors (20 per host), 6 runbooks (two on a schedule) and 10 resources (VIPs
 * over pairs of web servers, bound to the file's failover runbook) written as an operator would — a `defaults:` block
 * and YAML anchors for the monitor templates. Addresses are TEST-NET (192.0.2.0/24, 198.51.100.0/24): nothing probes
 * them in an API-only process.
 */
export interface FleetFileOptions {
  /** Interval of web-01-check-02 (not the template's anchor: every web monitor merges that one), to plan exactly one update. */
  web01Interval?: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const SITES = ['mad1', 'bcn1', 'lis1'];

export const FLEET_COUNTS = { sites: 3, hosts: 60, customers: 500, services: 180, monitors: 1200, runbooks: 6, resources: 10 };

export function generateFleetFile(options: FleetFileOptions = {}): string {
  const out: string[] = [
    '# Generated fleet: 3 sites, 60 hosts, 500 customers, 1,200 monitors, 6 runbooks, 10 resources',
    'version: 1',
    'defaults:',
    '  monitors: { interval: 60s, timeout: 10s, severity: critical }',
    '  hosts: { ssh: { user: vigia, port: 22 } }',
    'x-templates: &none {}',
  ];
  // x- keys are not part of the schema: templates live under the monitors themselves, as the first item's anchors.
  out.pop();
  out.push('sites:', ...SITES.map((s, i) => `  - { name: ${s}, location: "Hall ${i + 1}" }`));
  const hosts: { name: string; address: string; role: 'web' | 'db' | 'mail' }[] = [];
  for (let i = 1; i <= 40; i++) hosts.push({ name: `web-${pad(i)}`, address: `192.0.2.${i}`, role: 'web' });
  for (let i = 1; i <= 10; i++) hosts.push({ name: `db-${pad(i)}`, address: `198.51.100.${i}`, role: 'db' });
  for (let i = 1; i <= 10; i++) hosts.push({ name: `mail-${pad(i)}`, address: `198.51.100.${100 + i}`, role: 'mail' });
  out.push('hosts:');
  hosts.forEach((h, i) => out.push(`  - { name: ${h.name}, site: ${SITES[i % 3]}, addresses: [${h.address}], tags: [${h.role}]${h.role === 'db' ? ', ssh: { jumpHost: web-01 }' : ''} }`));
  out.push('customers:');
  for (let c = 1; c <= 500; c++) out.push(`  - { name: customer-${pad(c, 4)}, email: ops${c}@customer.example, externalRef: "C-${10000 + c}" }`);
  out.push('services:');
  for (const h of hosts) {
    const customers = h.role === 'web' ? Array.from({ length: 500 }, (_, c) => c + 1).filter((c) => c % 40 === Number(h.name.slice(4)) - 1).map((c) => `customer-${pad(c, 4)}`) : [];
    out.push(`  - { name: ${h.role === 'web' ? 'www' : h.role === 'db' ? 'mysql' : 'smtp'}, host: ${h.name}, type: ${h.role === 'web' ? 'web' : h.role === 'db' ? 'mysql' : 'mail'}, port: ${h.role === 'web' ? 443 : h.role === 'db' ? 3306 : 25}, customers: [${customers.join(', ')}] }`);
    out.push(`  - { name: ssh, host: ${h.name}, type: other, port: 22 }`);
    out.push(`  - { name: ping, host: ${h.name}, type: other }`);
  }
  out.push('monitors:');
  let first = { web: true, db: true, mail: true };
  for (const h of hosts) {
    out.push(`  - { name: ${h.name}-ping, host: ${h.name}, service: ping, type: icmp, config: { count: 3 } }`);
    out.push(`  - { name: ${h.name}-ssh, host: ${h.name}, service: ssh, type: tcp, config: { port: 22 }, severity: warning }`);
    for (let k = 1; k <= 18; k++) {
      const name = `${h.name}-check-${pad(k)}`;
      const anchor = first[h.role] ? `&${h.role} ` : '';
      const merge = first[h.role] ? '' : `<<: *${h.role}, `;
      first = { ...first, [h.role]: false };
      const interval = h.name === 'web-01' && k === 2 && options.web01Interval ? `, interval: ${options.web01Interval}` : '';
      if (h.role === 'web') out.push(`  - ${anchor}{ ${merge}name: ${name}, host: ${h.name}, service: www, type: http, config: { url: "https://${h.address}/site/${k}", expectedStatus: [200, 301] }${interval} }`);
      if (h.role === 'db') out.push(`  - ${anchor}{ ${merge}name: ${name}, host: ${h.name}, service: mysql, type: mysql, config: { user: monitor, password: { env: FLEET_DB_PASSWORD }, database: shop${k} }, interval: 30s }`);
      if (h.role === 'mail') out.push(`  - ${anchor}{ ${merge}name: ${name}, host: ${h.name}, service: smtp, type: tcp, config: { port: 25, expect: "220" } }`);
    }
  }
  // Runbooks and resources last: the lines of everything above stay where tests expect them.
  out.push('runbooks:');
  for (const r of RUNBOOKS) {
    out.push(`  - name: ${r.name}`);
    if (r.schedule) out.push(`    schedule: ${r.schedule}`);
    out.push('    source: |', ...r.source.map((l) => `      ${l}`));
  }
  out.push('resources:');
  for (let i = 1; i <= 10; i++) {
    const [a, b] = [`web-${pad(2 * i - 1)}`, `web-${pad(2 * i)}`];
    out.push(`  - name: vip-${pad(i)}`, '    kind: vip_group', `    config: { address: 10.0.0.${100 + i}/24, interface: eth0 }`);
    out.push(`    members: [{ host: ${a}, monitors: [${a}-check-01] }, { host: ${b}, monitors: [${b}-check-01] }]`);
    out.push('    runbook: vip-failover', ...(i <= 5 ? ['    recoveryRunbook: vip-recovered', '    failback: auto'] : []));
  }
  return `${out.join('\n')}\n`;
}

const notify = (name: string, message: string) => [`name: ${name}`, 'steps:', `  - { name: say, type: notify, with: { message: "${message}" } }`];
/** Six runbooks: the VIPs' failover and recovery, four an operator runs by hand or on a schedule. */
const RUNBOOKS: { name: string; schedule?: string; source: string[] }[] = [
  { name: 'vip-failover', source: notify('vip-failover', 'moving the VIP to the next member') },
  { name: 'vip-recovered', source: notify('vip-recovered', 'the first member is back') },
  { name: 'restart-nginx', source: ['name: restart-nginx', 'params: { host: { type: host } }', 'steps:', '  - { name: restart, type: ssh.exec, with: { host: "{{ params.host }}", argv: [systemctl, restart, nginx] } }'] },
  { name: 'flush-mail-queue', source: ['name: flush-mail-queue', 'params: { host: { type: host } }', 'steps:', '  - { name: flush, type: ssh.exec, with: { host: "{{ params.host }}", argv: [postqueue, -f] } }'] },
  { name: 'weekly-report', schedule: '{ everyMinutes: 10080 }', source: notify('weekly-report', 'weekly fleet report') },
  { name: 'vip-drill', schedule: '{ everyMinutes: 1440, resource: vip-01 }', source: notify('vip-drill', 'daily check of vip-01') },
];
