import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshExec } from '#lib/executors';
import { testEgressPolicy } from '../support/test-egress.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { Sshd } from './support/sshd.js';

describe('SSH: sealed credentials, pinned host keys and the SSH command probe, against a real sshd', () => {
  let sshd: Sshd;
  let api: TestApi;
  let token: string;
  let hostId: string;
  let monitorId: string;
  const gql = <T>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const probeNow = () => gql<{ probeNow: { status: string; reason: string } }>(`mutation { probeNow(monitorId: "${monitorId}") { status reason } }`).then((d) => d.probeNow);

  beforeAll(async () => {
    sshd = await Sshd.start();
    api = await startTestApi({ VIGIA_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
    token = (await api.tenant('ssh')).token;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await sshd?.destroy();
  });

  it('stores a private key sealed, showing only its public half', async () => {
    const created = await gql<{ createSshCredential: { id: string; publicKey: string; fingerprint: string } }>(
      'mutation($i: CreateSshCredentialInput!) { createSshCredential(input: $i) { id publicKey fingerprint } }',
      { i: { name: 'vigia-ops', privateKey: await sshd.clientKey() } },
    );
    expect(created.createSshCredential.publicKey).toMatch(/^ssh-ed25519 AAAA/);
    const [row] = await api.app.get(DataSource).query('SELECT private_key_sealed FROM ssh_credentials');
    expect(row.private_key_sealed).toMatch(/^v1:/);
    expect(row.private_key_sealed).not.toContain('PRIVATE KEY');
    hostId = (await gql<{ createHost: { id: string } }>(
      `mutation { createHost(input: {name: "shell1", addresses: ["127.0.0.1"], sshPort: ${sshd.port}, sshUser: "root", sshCredentialId: "${created.createSshCredential.id}"}) { id } }`,
    )).createHost.id;
    monitorId = (await gql<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "shell1 disk", type: ssh, hostId: "${hostId}", config: {command: "echo vigia-ok; df -P / | tail -1", outputContains: "vigia-ok"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`,
    )).createMonitor.id;
  });

  it('refuses a key that is not one, naming the field', async () => {
    const res = await api.gql('mutation($i: CreateSshCredentialInput!) { createSshCredential(input: $i) { id } }', { i: { name: 'junk', privateKey: 'x'.repeat(100) } }, token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.privateKey' });
  });

  it('refuses to connect to a host whose key is not pinned', async () => {
    const result = await probeNow();
    expect(result.status).toBe('down');
    expect(result.reason).toMatch(/host key of 127\.0\.0\.1:\d+ is not pinned/);
  });

  it('pins the presented host key on request, and then runs the command', async () => {
    const pinned = await gql<{ pinSshHostKey: { sshHostKey: string } }>(`mutation { pinSshHostKey(hostId: "${hostId}") { sshHostKey } }`);
    expect(pinned.pinSshHostKey.sshHostKey).toBe(sshd.hostKeyFingerprint());
    const result = await probeNow();
    expect(result.status, result.reason).toBe('up');
    expect(result.reason).toMatch(/^SSH root@127\.0\.0\.1:\d+ `echo vigia-ok; df -P \/ \| tail -1` exited 0 in [\d.]+ ms: "vigia-ok"$/);
  });

  it('asserts the exit code and the output', async () => {
    await gql(`mutation { updateMonitor(id: "${monitorId}", input: {config: {command: "echo nope; exit 3"}}) { id } }`);
    expect((await probeNow()).reason).toMatch(/exited 3 .*; expected exit 0$/);
    await gql(`mutation { updateMonitor(id: "${monitorId}", input: {config: {command: "echo nope", outputRegex: "^ok$"}}) { id } }`);
    expect((await probeNow()).reason).toMatch(/output does not match \/\^ok\$\//);
  });

  it('refuses a host that presents another key than the pinned one', async () => {
    await gql(`mutation { updateHost(id: "${hostId}", input: {sshHostKey: "SHA256:${'A'.repeat(43)}"}) { id } }`);
    const result = await probeNow();
    expect(result.status).toBe('down');
    expect(result.reason).toMatch(/host key of 127\.0\.0\.1:\d+ changed: SHA256:\S+, pinned SHA256:A{43}/);
  });

  it('logs in afresh on every probe: sshd stopped is down at once, though sessions it accepted before still run', async () => {
    await gql(`mutation { updateHost(id: "${hostId}", input: {sshHostKey: "${sshd.hostKeyFingerprint()}"}) { id } }`);
    await gql(`mutation { updateMonitor(id: "${monitorId}", input: {config: {command: "echo vigia-ok"}}) { id } }`);
    expect((await probeNow()).status).toBe('up');
    // A session of the process's own pool (a runbook's, say) is open on this sshd while it stops listening.
    const kept = await sshExec({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: await sshd.clientKey(), hostKey: sshd.hostKeyFingerprint(), egress: testEgressPolicy().guard({ vantage: 'platform' }) }, 'true', 5_000);
    expect(kept.exitCode).toBe(0);
    await sshd.stopListening();
    const result = await probeNow();
    expect(result.status).toBe('down');
    expect(result.reason).toMatch(/ECONNREFUSED|refused/i);
  });
});
