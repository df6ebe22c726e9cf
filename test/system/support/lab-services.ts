import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
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
