import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from './lab.js';

export interface BindServer {
  child: ChildProcess;
  address: string;
  zone: string;
  keyName: string;
  secret: string;
}

/** BIND (Debian bind9) authoritative for one zone in a lab host, dynamic updates allowed only with the TSIG key. */
export async function startBind(lab: Lab, hostName: string, zone: string, records: Record<string, string>): Promise<BindServer> {
  const host = lab.host(hostName);
  const dir = join(lab.dir, `${hostName}-bind`);
  mkdirSync(dir);
  const secret = randomBytes(32).toString('base64');
  const keyName = 'vigia-key';
  writeFileSync(join(dir, 'named.conf'), `
options { directory "${dir}"; listen-on port 53 { ${host.address}; }; listen-on-v6 { none; }; pid-file "${dir}/named.pid";
  recursion no; dnssec-validation no; notify no; };
controls { };
key "${keyName}" { algorithm hmac-sha256; secret "${secret}"; };
zone "${zone}" { type primary; file "${dir}/${zone}.zone"; allow-update { key "${keyName}"; }; };
`);
  writeFileSync(join(dir, `${zone}.zone`), [
    '$TTL 60', `@ IN SOA ns1.${zone}. hostmaster.${zone}. 1 60 60 600 60`, `@ IN NS ns1.${zone}.`, `ns1 IN A ${host.address}`,
    ...Object.entries(records).map(([name, value]) => `${name} IN A ${value}`), '',
  ].join('\n'));
  const child = lab.spawnIn(hostName, '/usr/sbin/named', ['-g', '-c', join(dir, 'named.conf'), '-u', 'root', '-4']);
  await lab.waitPort(host.address, 53);
  return { child, address: host.address, zone, keyName, secret };
}

export interface Haproxy {
  child: ChildProcess;
  address: string;
  runtimeApi: string;
}

/** HAProxy (Debian haproxy) in front of the web hosts, with its runtime API on TCP at level admin. */
export async function startHaproxy(lab: Lab, hostName: string, servers: { name: string; address: string; weight: number }[]): Promise<Haproxy> {
  const host = lab.host(hostName);
  const dir = join(lab.dir, `${hostName}-haproxy`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'haproxy.cfg'), [
    'global', `  stats socket ipv4@${host.address}:9999 level admin`, `  pidfile ${dir}/haproxy.pid`,
    'defaults', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s', '  retries 2', '  option redispatch',
    'frontend web', `  bind ${host.address}:80`, '  default_backend web',
    'backend web', ...servers.map((s) => `  server ${s.name} ${s.address}:80 check inter 1s fall 3 rise 2 weight ${s.weight}`), '',
  ].join('\n'));
  const child = lab.spawnIn(hostName, '/usr/sbin/haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')]);
  await lab.waitPort(host.address, 80);
  await lab.waitPort(host.address, 9999);
  return { child, address: host.address, runtimeApi: `tcp://${host.address}:9999` };
}

export interface PowerDns {
  child: ChildProcess;
  address: string;
  port: number;
  apiUrl: string;
  apiKey: string;
}

/** PowerDNS Authoritative (Debian pdns-server, SQLite backend) with its HTTP API, one zone, in a lab host. */
export async function startPowerDns(lab: Lab, hostName: string, zone: string, records: Record<string, string>): Promise<PowerDns> {
  const host = lab.host(hostName);
  const dir = join(lab.dir, `${hostName}-pdns`);
  mkdirSync(dir);
  const apiKey = randomBytes(16).toString('hex');
  const port = 5300;
  const db = join(dir, 'pdns.sqlite3');
  lab.exec(hostName, ['sqlite3', db], readFileSync('/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql', 'utf8'));
  writeFileSync(join(dir, 'pdns.conf'), [
    'launch=gsqlite3', `gsqlite3-database=${db}`, `local-address=${host.address}`, `local-port=${port}`, 'api=yes', `api-key=${apiKey}`,
    'webserver=yes', `webserver-address=${host.address}`, 'webserver-port=8081', 'webserver-allow-from=0.0.0.0/0', `socket-dir=${dir}`,
    'guardian=no', 'daemon=no', 'disable-syslog=yes', 'loglevel=3', '',
  ].join('\n'));
  lab.exec(hostName, ['pdnsutil', `--config-dir=${dir}`, 'create-zone', zone, `ns1.${zone}`]);
  for (const [name, value] of Object.entries(records)) lab.exec(hostName, ['pdnsutil', `--config-dir=${dir}`, 'add-record', zone, name, 'A', '60', value]);
  const child = lab.spawnIn(hostName, '/usr/sbin/pdns_server', [`--config-dir=${dir}`]);
  await lab.waitPort(host.address, 8081);
  await lab.waitPort(host.address, port);
  return { child, address: host.address, port, apiUrl: `http://${host.address}:8081`, apiKey };
}

/**
 * keepalived (Debian keepalived) on the given hosts: one VRRP instance for `vip`, priorities as given, and a
 * track_file at /etc/keepalived/vigia-weight (each host's own, see Lab.etc) whose number is added to the priority.
 */
export async function startKeepalived(lab: Lab, priorities: Record<string, number>, vip: string, routerId: number): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  for (const [name, priority] of Object.entries(priorities)) {
    const dir = join(lab.dir, `${name}-keepalived`);
    mkdirSync(dir);
    writeFileSync(lab.etc(name, 'keepalived/vigia-weight'), '0\n');
    writeFileSync(lab.etc(name, 'keepalived/keepalived.conf'), `
global_defs { router_id ${name} }
vrrp_track_file vigia { file /etc/keepalived/vigia-weight
  weight 1 }
vrrp_instance vigia_lab { state BACKUP
  interface eth0
  virtual_router_id ${routerId}
  priority ${priority}
  advert_int 1
  track_file { vigia }
  virtual_ipaddress { ${vip} } }
`);
    children.push(lab.spawnIn(name, '/usr/sbin/keepalived', ['-n', '-l', '-P', '-f', '/etc/keepalived/keepalived.conf', '-p', join(dir, 'k.pid'), '-r', join(dir, 'vrrp.pid'), '-c', join(dir, 'chk.pid')]));
  }
  return children;
}
