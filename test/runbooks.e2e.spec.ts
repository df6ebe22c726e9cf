import { testSshKey } from './support/ssh-key.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/test-api.js';

// A key made for this test only; the hosts below are documentation addresses that nothing connects to (api role only).
const KEY = testSshKey();
const PIN = `SHA256:${'A'.repeat(43)}`;

describe('runbooks: documents, resources and dry-run over GraphQL (nothing executed)', () => {
  let api: TestApi;
  let token: string;
  let viewer: string;
  const ids: Record<string, string> = {};
  const run = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, as = token): Promise<T> => api.ok<T>(query, variables, as);
  const fails = async (query: string, variables?: Record<string, unknown>) => {
    const res = await api.gql(query, variables, token);
    expect(res.errors, JSON.stringify(res.data)).toBeDefined();
    return res.errors![0]!;
  };

  beforeAll(async () => {
    api = await startTestApi();
    const t = await api.tenant('runbooks');
    token = t.token;
    viewer = await api.userWithRole(token, 'runbooks', 'viewer');
    ids.key = (await run<{ createSshCredential: { id: string } }>('mutation($i: CreateSshCredentialInput!) { createSshCredential(input: $i) { id } }', { i: { name: 'ops', privateKey: KEY } })).createSshCredential.id;
    for (const [name, address] of [['web1', '192.0.2.11'], ['web2', '192.0.2.12'], ['web3', '192.0.2.13']]) {
      ids[name!] = (await run<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["${address}"], sshCredentialId: "${ids.key}", sshHostKey: "${PIN}"}) { id } }`)).createHost.id;
    }
    // web3 has no pinned host key: runbooks must refuse it.
    await run(`mutation { updateHost(id: "${ids.web3}", input: {sshCredentialId: "${ids.key}"}) { id } }`);
    await api.app.get((await import('typeorm')).DataSource).query('UPDATE hosts SET ssh_host_key = NULL WHERE id = $1', [ids.web3]);
  }, 60_000);
  afterAll(() => api?.close());

  const validate = (source: string) => run<{ validateRunbook: { path: string; message: string }[] }>('query($i: RunbookSourceInput!) { validateRunbook(input: $i) { path message } }', { i: { source } }).then((d) => d.validateRunbook);

  it('names the step and field of every mistake in a document', async () => {
    const errors = await validate(`name: broken
params: { to: { type: host } }
steps:
  - name: move
    type: vip.move
    with: { to: "{{ params.nope }}", arp_count: 99 }
  - name: typo
    type: vip.mvoe
  - name: later
    type: vm.migrate
  - name: exec
    type: ssh.exec
    with: { host: web1, argv: [] , shell: true }
`);
    const at = (path: string) => errors.filter((e) => e.path === path).map((e) => e.message).join(' | ');
    expect(at('steps[0].with.to')).toMatch(/no parameter "nope"/);
    expect(at('steps[0].with.arp_count')).toMatch(/at most 10/);
    expect(at('steps[1].type')).toMatch(/steps\[1\] \(typo\): unknown step type "vip.mvoe"/);
    // vm.migrate's `from` defaults to where the VM runs now (issue 23); its `to` is required.
    expect(at('steps[2].with.to')).toMatch(/is required/);
    expect(at('steps[3].with.argv')).toMatch(/at least 1/);
    expect(at('steps[3].with.shell')).toMatch(/not a known field/);
    expect((await validate('name: x\nsteps: [ {'))[0]).toMatchObject({ path: 'document', message: expect.stringMatching(/not valid YAML/) });
    expect(await validate('{"name": "j", "steps": [{"type": "notify", "with": {"message": "hi"}}]}')).toEqual([]);
  });

  it('saves a valid runbook as version 1, a change as version 2, and refuses an invalid one with the field named', async () => {
    const created = await run<{ createRunbook: { id: string; version: number } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id version } }', {
      i: { source: 'name: restart-nginx\nparams: { host: { type: host }, unit: { type: string, default: nginx } }\nsteps:\n  - name: restart\n    type: ssh.exec\n    with: { host: "{{ params.host }}", argv: [systemctl, restart, "{{ params.unit }}"] }\n' },
    });
    ids.restart = created.createRunbook.id;
    expect(created.createRunbook.version).toBe(1);
    const updated = await run<{ updateRunbook: { version: number; versions: { version: number }[] } }>(`mutation($i: RunbookSourceInput!) { updateRunbook(id: "${ids.restart}", input: $i) { version versions { version } } }`, {
      i: { source: 'name: restart-nginx\nparams: { host: { type: host }, unit: { type: string, default: nginx } }\nsteps:\n  - name: restart\n    type: ssh.exec\n    idempotent: true\n    with: { host: "{{ params.host }}", argv: [systemctl, restart, "{{ params.unit }}"] }\n' },
    });
    expect(updated.updateRunbook.version).toBe(2);
    expect(updated.updateRunbook.versions.map((v) => v.version)).toEqual([2, 1]);
    const error = await fails('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', { i: { source: 'name: bad\nsteps:\n  - { name: x, type: ssh.exec, with: { argv: [ls] } }\n' } });
    expect(error.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'steps[0].with.host' });
    const count = await run<{ runbooks: { totalCount: number } }>('{ runbooks { totalCount } }');
    expect(count.runbooks.totalCount).toBe(1);
  });

  it('dry-runs with parameters resolved: each argument one quoted word, hostile values inert', async () => {
    const preview = await run<{ dryRunRunbook: { name: string; idempotent: boolean; actions: { kind: string; target: string; command: string }[] }[] }>(
      'query($i: DryRunInput!) { dryRunRunbook(input: $i) { name idempotent actions { kind target command } } }',
      { i: { runbookId: ids.restart, params: { host: 'web1', unit: 'nginx; rm -rf /' } } },
    );
    expect(preview.dryRunRunbook).toEqual([{ name: 'restart', idempotent: true, actions: [{ kind: 'ssh', target: 'web1 (root@192.0.2.11:22)', command: "systemctl restart 'nginx; rm -rf /'" }] }]);
  });

  it('refuses unknown hosts, missing parameters and unpinned host keys at dry-run, naming the field', async () => {
    const dry = (params: Record<string, unknown>) => fails('query($i: DryRunInput!) { dryRunRunbook(input: $i) { name } }', { i: { runbookId: ids.restart, params } });
    expect((await dry({ host: 'web9' })).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'params.host' });
    expect((await dry({})).extensions).toMatchObject({ field: 'params.host' });
    expect((await dry({ host: 'web1', extra: 1 })).extensions).toMatchObject({ field: 'params.extra' });
    const unpinned = await dry({ host: 'web3' });
    expect(unpinned.extensions?.field).toBe('steps[0].with.host');
    expect(unpinned.message).toMatch(/host key of web3 is not pinned/);
    const started = await fails(`mutation { startRun(input: {runbookId: "${ids.restart}", params: {host: "web3"}}) { id } }`);
    expect(started.extensions?.field).toBe('steps[0].with.host');
    expect((await run<{ runs: { totalCount: number } }>('{ runs { totalCount } }')).runs.totalCount).toBe(0);
  });

  it('creates a VIP group with the built-in failover runbook bound, and previews its exact commands', async () => {
    const created = await run<{ createResource: { id: string; primaryHostId: string; primaryReason: string; runbookId: string } }>(
      `mutation { createResource(input: {name: "www-vip", kind: vip_group, config: {address: "192.0.2.100/24", interface: "eth0"}, members: [{hostId: "${ids.web1}"}, {hostId: "${ids.web2}"}], failback: auto, failbackHoldSeconds: 30}) { id primaryHostId primaryReason runbookId members { hostId host { name health } } } }`,
    );
    ids.vip = created.createResource.id;
    expect(created.createResource).toMatchObject({ primaryHostId: ids.web1, primaryReason: 'configured' });
    // The topology view reads each member's host (name, health) in the same query.
    expect((created.createResource as unknown as { members: { host: { name: string; health: string } }[] }).members.map((m) => m.host)).toEqual([
      { name: 'web1', health: 'unknown' },
      { name: 'web2', health: 'unknown' },
    ]);
    const runbook = await run<{ runbook: { name: string; builtin: boolean } }>(`{ runbook(id: "${created.createResource.runbookId}") { name builtin } }`);
    expect(runbook.runbook).toEqual({ name: 'builtin/web-vip-failover', builtin: true });
    const preview = await run<{ dryRunRunbook: { name: string; actions: { kind: string; target: string; command: string }[] }[] }>(
      'query($i: DryRunInput!) { dryRunRunbook(input: $i) { name actions { kind target command } } }',
      { i: { runbookId: created.createResource.runbookId, resourceId: ids.vip, params: { from: ids.web1, to: 'web2' } } },
    );
    expect(preview.dryRunRunbook[0]!.actions.map((a) => `${a.target}: ${a.command}`)).toEqual([
      'web1 (root@192.0.2.11:22): ip addr del 192.0.2.100/24 dev eth0',
      'web2 (root@192.0.2.12:22): ip addr replace 192.0.2.100/24 dev eth0 && arping -q -U -c 2 -w 2 -I eth0 192.0.2.100',
    ]);
    expect(preview.dryRunRunbook[1]!.actions[0]).toMatchObject({ kind: 'probe', target: 'http {"url":"http://192.0.2.100/"}' });
  });

  it('previews an LVS drain as the exact ipvsadm command on the director', async () => {
    const created = await run<{ createResource: { id: string; runbookId: string; recoveryRunbookId: string } }>(
      `mutation { createResource(input: {name: "lvs", kind: lb_pool, config: {driver: "ipvs", director: "${ids.web1}", service: "192.0.2.100:80", port: 8080}, members: [{hostId: "${ids.web2}", weight: 5}]}) { id runbookId recoveryRunbookId } }`,
    );
    const preview = (runbookId: string) => run<{ dryRunRunbook: { actions: { target: string; command: string }[] }[] }>(
      'query($i: DryRunInput!) { dryRunRunbook(input: $i) { actions { target command } } }',
      { i: { runbookId, resourceId: created.createResource.id, params: { member: 'web2' } } },
    );
    expect((await preview(created.createResource.runbookId)).dryRunRunbook[0]!.actions).toEqual([{ target: 'web1 (root@192.0.2.11:22)', command: 'ipvsadm -e -t 192.0.2.100:80 -r 192.0.2.12:8080 -w 0' }]);
    expect((await preview(created.createResource.recoveryRunbookId)).dryRunRunbook[0]!.actions[0]!.command).toBe('ipvsadm -e -t 192.0.2.100:80 -r 192.0.2.12:8080 -w 5');
    await run(`mutation { deleteResource(id: "${created.createResource.id}") }`);
  });

  it('refuses bad resources field by field and saves nothing', async () => {
    const create = (input: string) => fails(`mutation { createResource(input: {${input}}) { id } }`);
    const base = `name: "bad", kind: vip_group, members: [{hostId: "${ids.web1}"}]`;
    expect((await create(`${base}, config: {address: "192.0.2.100", interface: "eth0"}`)).extensions?.field).toBe('input.config.address');
    expect((await create(`${base}, config: {address: "192.0.2.100/24", interface: "eth0; reboot"}`)).extensions?.field).toBe('input.config.interface');
    expect((await create(`${base}, config: {address: "192.0.2.100/24", interface: "eth0", vip: 1}`)).extensions?.field).toBe('input.config.vip');
    expect((await create(`name: "bad", kind: vip_group, config: {address: "192.0.2.100/24", interface: "eth0"}, members: [{hostId: "${ids.web1}"}, {hostId: "${ids.web1}"}]`)).extensions?.field).toBe('input.members[1].hostId');
    expect((await create(`name: "bad", kind: vm, config: {}, members: [{hostId: "${ids.web1}"}]`)).extensions?.field).toBe('input.config.driver');
    expect((await create(`name: "bad", kind: vm, config: {driver: "proxmox", vmid: 101}, members: [{hostId: "${ids.web1}"}]`)).extensions?.field).toBe('input.config.apiUrl');
    expect((await create(`name: "bad", kind: dns_record, config: {server: "192.0.2.53", zone: "example.test", name: "www"}, secrets: {password: "x"}, members: [{hostId: "${ids.web1}"}]`)).extensions?.field).toBe('input.secrets.password');
    const count = await run<{ resources: { totalCount: number } }>('{ resources { totalCount } }');
    expect(count.resources.totalCount).toBe(1); // the VIP group of the test before
  });

  it('refuses bad MySQL groups field by field', async () => {
    const create = async (members: string, config = '{port: 3306}', secrets = '{user: "vigia", password: "x"}') =>
      (await fails(`mutation { createResource(input: {name: "db", kind: mysql_group, config: ${config}, secrets: ${secrets}, members: ${members}}) { id } }`)).extensions;
    expect(await create(`[{hostId: "00000000-0000-4000-8000-000000000000"}]`)).toMatchObject({ code: 'NOT_FOUND', field: 'input.members[0].hostId' });
    expect(await create(`[{hostId: "${ids.web1}"}, {hostId: "${ids.web2}"}, {hostId: "${ids.web1}"}]`)).toMatchObject({ field: 'input.members[2].hostId' });
    expect(await create(`[{hostId: "${ids.web1}"}]`, '{maxLagSeconds: 100000}')).toMatchObject({ field: 'input.config.maxLagSeconds' });
    expect(await create(`[{hostId: "${ids.web1}"}]`, '{fenceCommand: "systemctl stop mariadb"}')).toMatchObject({ field: 'input.config.fenceCommand' });
    expect(await create(`[{hostId: "${ids.web1}"}]`, '{writerAddress: "10.0.0.5"}')).toMatchObject({ field: 'input.config.writerAddress' });
    expect(await create(`[{hostId: "${ids.web1}"}]`, '{}', '{apiKey: "x"}')).toMatchObject({ field: 'input.secrets.apiKey' });
    // The built-in failover moves the writer address: a group without one is refused at save, naming the field.
    expect(await create(`[{hostId: "${ids.web1}"}]`, '{maxLagSeconds: 5}')).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.config.writerAddress' });
    expect(await create(`[{hostId: "${ids.web1}"}]`, '{writerAddress: "192.0.2.50/24"}')).toMatchObject({ field: 'input.config.writerInterface' });
    const created = await run<{ createResource: { id: string; runbookId: string } }>(`mutation { createResource(input: {name: "db", kind: mysql_group, config: {maxLagSeconds: 5, writerAddress: "192.0.2.50/24", writerInterface: "eth0"}, members: [{hostId: "${ids.web1}"}, {hostId: "${ids.web2}"}]}) { id runbookId } }`);
    expect((await run<{ runbook: { name: string } }>(`{ runbook(id: "${created.createResource.runbookId}") { name } }`)).runbook.name).toBe('builtin/mysql-failover');
    await run(`mutation { deleteResource(id: "${created.createResource.id}") }`);
  });

  it('lets a viewer read but not run', async () => {
    const res = await api.gql(`mutation { startRun(input: {runbookId: "${ids.restart}", params: {host: "web1"}}) { id } }`, {}, viewer);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const read = await api.gql('{ resources { totalCount } }', {}, viewer);
    expect(read.errors).toBeUndefined();
  });
});
