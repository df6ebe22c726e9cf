import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '#lib/secrets';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/**
 * Write-only secrets on an edit, the same rule everywhere: omitted keeps the stored one, a value replaces only itself,
 * an empty one removes it — a resource's secrets (key by key), a monitor's credential; an alert channel's secret, which
 * its kind needs, can be replaced but not removed.
 */
describe('stored secrets on an update: kept, replaced one by one, removed', () => {
  let api: TestApi;
  let token: string;
  let receiver: RecordingServer;
  const gql = <T,>(q: string, v: Record<string, unknown> = {}) => api.ok<T>(q, v, token);
  const sealedResource = async (id: string) => {
    const [row]: { secret_sealed: string | null }[] = await api.app.get(DataSource).query('SELECT secret_sealed FROM resources WHERE id = $1', [id]);
    return row!.secret_sealed === null ? null : JSON.parse(api.app.get(SecretBox).open(row!.secret_sealed, `resources:${id}`));
  };

  beforeAll(async () => {
    receiver = await new RecordingServer().start();
    api = await startTestApi();
    token = (await api.tenant('secrets')).token;
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.stop();
  });

  it('a resource keeps the stored user and replication password when only the password is sent; an empty one removes only itself', async () => {
    const hosts: string[] = [];
    for (const name of ['db1', 'db2']) hosts.push((await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["192.0.2.1"]}) { id } }`)).createHost.id);
    const id = (await gql<{ createResource: { id: string } }>(
      `mutation { createResource(input: {name: "db", kind: mysql_group, config: {writerAddress: "192.0.2.50/24", writerInterface: "eth0"}, secrets: {user: "vigia", password: "first", replPassword: "repl"}, members: [{hostId: "${hosts[0]}"}, {hostId: "${hosts[1]}"}]}) { id } }`,
    )).createResource.id;
    await gql(`mutation { updateResource(id: "${id}", input: {secrets: {password: "second"}}) { id } }`);
    expect(await sealedResource(id)).toEqual({ user: 'vigia', password: 'second', replPassword: 'repl' });

    const removed = await gql<{ updateResource: { storedSecrets: string[] } }>(`mutation { updateResource(id: "${id}", input: {secrets: {replPassword: ""}}) { storedSecrets } }`);
    expect(removed.updateResource.storedSecrets).toEqual(['password', 'user']);
    expect(await sealedResource(id)).toEqual({ user: 'vigia', password: 'second' });
    await gql(`mutation { updateResource(id: "${id}", input: {secrets: {user: "", password: ""}}) { id } }`);
    expect(await sealedResource(id)).toBeNull();
    expect((await gql<{ resource: { storedSecrets: string[] } }>(`{ resource(id: "${id}") { storedSecrets } }`)).resource.storedSecrets).toEqual([]);
    // Creating with an empty secret is still refused, naming it: there is nothing to remove.
    await api.fails(
      `mutation { createResource(input: {name: "db2", kind: mysql_group, config: {writerAddress: "192.0.2.51/24", writerInterface: "eth0"}, secrets: {user: ""}, members: [{hostId: "${hosts[0]}"}, {hostId: "${hosts[1]}"}]}) { id } }`, {}, token,
      { field: 'input.secrets.user' },
    );
  });

  it('a monitor keeps its credential when it is omitted or "<sealed>", and an empty one removes it with its setting', async () => {
    const hostId = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "mail1", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
    const id = (await gql<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "inbox", type: imap, hostId: "${hostId}", config: {port: 1, username: "noc", password: "pw-1"}, intervalMs: 60000, timeoutMs: 5000}) { id } }`,
    )).createMonitor.id;
    const config = async () => (await gql<{ monitor: { config: Record<string, unknown> } }>(`{ monitor(id: "${id}") { config } }`)).monitor.config;
    const update = (c: Record<string, unknown>) => gql(`mutation($c: JSONObject!) { updateMonitor(id: "${id}", input: {config: $c}) { id } }`, { c });
    await update({ port: 1, username: 'noc' });
    expect(await config()).toEqual({ port: 1, username: 'noc', password: '<sealed>' });
    await update({ port: 1, username: 'noc', password: '<sealed>' });
    expect(await config()).toEqual({ port: 1, username: 'noc', password: '<sealed>' });
    await update({ port: 1, username: 'noc', password: '' });
    expect(await config()).toEqual({ port: 1, username: 'noc' });
    const [row]: { secrets_sealed: string | null }[] = await api.app.get(DataSource).query('SELECT secrets_sealed FROM monitors WHERE id = $1', [id]);
    expect(row!.secrets_sealed).toBeNull();
  });

  it('an alert channel says whether a secret is stored; an omitted one is kept', async () => {
    const url = `${receiver.url}/hook`;
    const { createAlertChannel: ch } = await gql<{ createAlertChannel: { id: string; hasSecret: boolean } }>(
      'mutation($c: JSONObject!) { createAlertChannel(input: {name: "hook", type: webhook, config: $c, secret: "signing-secret-00001"}) { id hasSecret } }', { c: { url } },
    );
    expect(ch.hasSecret).toBe(true);
    const kept = await gql<{ updateAlertChannel: { hasSecret: boolean } }>(`mutation($c: JSONObject!) { updateAlertChannel(id: "${ch.id}", input: {name: "hook 2", type: webhook, config: $c}) { hasSecret } }`, { c: { url } });
    expect(kept.updateAlertChannel.hasSecret).toBe(true);
    const mail = await gql<{ createAlertChannel: { hasSecret: boolean } }>('mutation { createAlertChannel(input: {name: "mail", type: email, config: {to: ["noc@example.test"]}}) { hasSecret } }');
    expect(mail.createAlertChannel.hasSecret).toBe(false);
  });

  // Every channel kind with a secret needs it, so the dashboard offers no "remove" for a channel: an empty secret is refused.
  it('a channel kind that needs its secret refuses its removal, naming the field, and keeps it', async () => {
    const { createAlertChannel: ch } = await gql<{ createAlertChannel: { id: string } }>(
      'mutation { createAlertChannel(input: {name: "pd", type: pagerduty, config: {}, secret: "R0UTINGKEY0123456789012345678901"}) { id } }',
    );
    const refused = await api.fails(`mutation { updateAlertChannel(id: "${ch.id}", input: {name: "pd", type: pagerduty, config: {}, secret: ""}) { hasSecret } }`, {}, token);
    expect(refused.extensions?.field).toMatch(/secret$/);
    const [row]: { secret_sealed: string | null }[] = await api.app.get(DataSource).query('SELECT secret_sealed FROM alert_channels WHERE id = $1', [ch.id]);
    expect(row!.secret_sealed).not.toBeNull();
  });
});
