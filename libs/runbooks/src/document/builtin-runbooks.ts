/** Templates for the common cases, installed into a tenant on first use so nobody starts from a blank page. */
export interface BuiltinRunbook {
  name: string;
  kinds: string[];
  /** failure / recovery: bound to resources of its kinds; manual: installed for operators to run. */
  role: 'failure' | 'recovery' | 'manual';
  source: string;
}

export const BUILTIN_RUNBOOKS: BuiltinRunbook[] = [
  {
    name: 'builtin/web-vip-failover',
    kinds: ['vip_group'],
    role: 'failure',
    source: `name: builtin/web-vip-failover
description: Move the virtual IP to a healthy standby, announce it with gratuitous ARP, and check that it answers HTTP.
params:
  from: { type: host, required: false, description: "current holder (fenced when it answers)" }
  to: { type: host, description: "new holder" }
steps:
  - name: move vip
    type: vip.move
    with: { from: "{{ params.from }}", to: "{{ params.to }}" }
  - name: vip answers
    type: wait.until
    with:
      probe: http
      config: { url: "http://{{ resource.ip }}/" }
      deadline: 15s
      interval: 200ms
`,
  },
  {
    name: 'builtin/dns-failover',
    kinds: ['dns_record'],
    role: 'failure',
    source: `name: builtin/dns-failover
description: Point the record at a healthy standby and check the authoritative server answers it.
params:
  from: { type: host, required: false }
  to: { type: host }
steps:
  - name: move record
    type: dns.update
    with: { values: ["{{ params.to.address }}"] }
`,
  },
  {
    name: 'builtin/mysql-failover',
    kinds: ['mysql_group'],
    role: 'failure',
    source: `name: builtin/mysql-failover
description: Promote the most advanced safe replica, fence the old primary, re-point the others, move the writer VIP, check that every member boots read-only.
params:
  from: { type: host, description: "the failed primary" }
steps:
  - name: promote
    type: mysql.promote
    with: { from: "{{ params.from }}" }
  - name: writer
    type: vip.move
    with: { from: "{{ params.from }}", to: "{{ steps.promote.host }}", address: "{{ resource.config.writerAddress }}", interface: "{{ resource.config.writerInterface }}" }
  - name: boot config
    type: mysql.boot-config
    with: { except: "{{ params.from }}" }
    on_failure: continue
`,
  },
  {
    name: 'builtin/mysql-switchover',
    kinds: ['mysql_group'],
    role: 'manual',
    source: `name: builtin/mysql-switchover
description: Planned primary change for maintenance - writes blocked briefly (read_only), no row lost; the old primary becomes a replica.
params:
  from: { type: host, description: "the current primary" }
  to: { type: host, required: false, description: "the new primary (default: the most advanced replica)" }
steps:
  - name: promote
    type: mysql.promote
    with: { from: "{{ params.from }}", to: "{{ params.to }}", switchover: true }
  - name: writer
    type: vip.move
    with: { from: "{{ params.from }}", to: "{{ steps.promote.host }}", address: "{{ resource.config.writerAddress }}", interface: "{{ resource.config.writerInterface }}" }
  - name: boot config
    type: mysql.boot-config
    on_failure: continue
`,
  },
  {
    name: 'builtin/mysql-reattach',
    kinds: ['mysql_group'],
    role: 'manual',
    source: `name: builtin/mysql-reattach
description: Make a former primary (read-only) a replica of the current primary; refused with the server's reason if it has writes the primary never received.
params:
  host: { type: host, description: "the former primary" }
steps:
  - name: reattach
    type: mysql.reattach
    with: { host: "{{ params.host }}" }
`,
  },
  {
    name: 'builtin/vm-recovery',
    kinds: ['vm'],
    role: 'failure',
    source: `name: builtin/vm-recovery
description: Start the VM of a dead hypervisor on another one (chosen by capacity and anti-affinity), after fencing.
params:
  from: { type: host, description: "the dead hypervisor" }
  to: { type: host, description: "where to start it" }
steps:
  - name: restart
    type: vm.restart
    with: { on: "{{ params.to }}", from: "{{ params.from }}" }
`,
  },
  {
    name: 'builtin/pool-member-out',
    kinds: ['lb_pool'],
    role: 'failure',
    source: `name: builtin/pool-member-out
description: Take a failed real server out of the load-balancer pool.
params:
  member: { type: host }
steps:
  - name: drain
    type: pool.drain
    with: { member: "{{ params.member }}" }
`,
  },
  {
    name: 'builtin/pool-member-in',
    kinds: ['lb_pool'],
    role: 'recovery',
    source: `name: builtin/pool-member-in
description: Put a recovered real server back into the pool with its weight.
params:
  member: { type: host }
steps:
  - name: restore
    type: pool.restore
    with: { member: "{{ params.member }}" }
`,
  },
];
