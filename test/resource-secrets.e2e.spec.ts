import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '#lib/secrets';
import { startTestApi, type TestApi } from './support/test-api.js';

/** A resource's secrets on an update: each one given replaces only itself (a new password keeps the stored user). */
describe('resource secrets are merged key by key on an update', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.tenant('secrets')).token;
  });
  afterAll(() => api?.close());

  it('keeps the stored user and replication password when only the password is sent', async () => {
    const gql = <T,>(q: string) => api.ok<T>(q, {}, token);
    const hosts: string[] = [];
    for (const name of ['db1', 'db2']) hosts.push((await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["192.0.2.1"]}) { id } }`)).createHost.id);
    const id = (await gql<{ createResource: { id: string } }>(
      `mutation { createResource(input: {name: "db", kind: mysql_group, config: {writerAddress: "192.0.2.50/24", writerInterface: "eth0"}, secrets: {user: "vigia", password: "first", replPassword: "repl"}, members: [{hostId: "${hosts[0]}"}, {hostId: "${hosts[1]}"}]}) { id } }`,
    )).createResource.id;
    await gql(`mutation { updateResource(id: "${id}", input: {secrets: {password: "second"}}) { id } }`);
    const [row]: { secret_sealed: string }[] = await api.app.get(DataSource).query('SELECT secret_sealed FROM resources WHERE id = $1', [id]);
    expect(JSON.parse(api.app.get(SecretBox).open(row!.secret_sealed, `resources:${id}`))).toEqual({ user: 'vigia', password: 'second', replPassword: 'repl' });
  });
});
