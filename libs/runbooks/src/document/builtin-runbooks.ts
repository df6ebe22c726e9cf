import { RESOURCE_KINDS, resourceKind } from '../resources/resource-kinds.js';

export type BuiltinRole = 'failure' | 'recovery' | 'manual';

/** Templates for the common cases, installed into a tenant on first use so nobody starts from a blank page. */
export interface BuiltinRunbook {
  name: string;
  /** The resource kinds that name it (resources/<kind>.kind.ts `runbooks`). */
  kinds: string[];
  /** failure / recovery: bound to resources of its kinds; manual: installed for operators to run. */
  role: BuiltinRole;
  source: string;
}

/** The documents; which kinds use them, and how, each kind says (its `runbooks`). */
const TEMPLATES: { name: string; source: string }[] = [
  {
    name: 'builtin/web-vip-failover',
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

/** The name of the built-in runbook a kind binds for `role` (`manual`: the one installed alongside, its first). */
export function builtinName(kind: string, role: BuiltinRole): string | undefined {
  const runbooks = resourceKind(kind)?.runbooks;
  return role === 'manual' ? runbooks?.manual?.[0] : runbooks?.[role];
}

function bindings(name: string): { kinds: string[]; role: BuiltinRole } {
  const kinds: string[] = [];
  let role: BuiltinRole = 'manual';
  for (const type of RESOURCE_KINDS.map((k) => k.type)) {
    const runbooks = resourceKind(type)!.runbooks;
    if (runbooks.failure === name) role = 'failure';
    else if (runbooks.recovery === name) role = 'recovery';
    else if (!runbooks.manual?.includes(name)) continue;
    kinds.push(type);
  }
  return { kinds, role };
}

/** Every template with the kinds that bind it and its role there, in the order above (the `runbookTemplates` query). */
export const BUILTIN_RUNBOOKS: BuiltinRunbook[] = TEMPLATES.map((t) => ({ name: t.name, ...bindings(t.name), source: t.source }));
