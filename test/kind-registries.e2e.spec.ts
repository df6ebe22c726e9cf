import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_KINDS } from '#lib/alerts';
import { fieldProblem, requiredKeys } from '#lib/common';
import { PROBE_KINDS, PROBE_TYPES } from '#lib/probes';
import { BUILTIN_RUNBOOKS, RESOURCE_KINDS, RESOURCE_TYPES, resourceKind, STEP_KINDS, stepKind } from '#lib/runbooks';
import { startTestApi, type TestApi } from './support/test-api.js';

/**
 * The registries of pluggable kinds are the one list of each kind (docs/extending.md): what lives outside TypeScript —
 * PostgreSQL enums, the GraphQL schema, docs — must say the same, or adding a kind was done halfway.
 */
describe('kind registries agree with the database, the API and the docs', () => {
  let api: TestApi;
  const enumValues = async (type: string): Promise<string[]> =>
    ((await api.app.get(DataSource).query(`SELECT unnest(enum_range(NULL::${type}))::text AS v`)) as { v: string }[]).map((r) => r.v);
  const graphqlEnum = async (name: string): Promise<{ name: string; description: string | null }[]> =>
    (await api.ok<{ __type: { enumValues: { name: string; description: string | null }[] } }>(`{ __type(name: "${name}") { enumValues { name description } } }`)).__type.enumValues;
  /** The GraphQL enum `name` has one value per kind, described by the kind. */
  const expectGraphqlEnum = async (name: string, kinds: readonly { type: string; description: string }[]): Promise<void> => {
    const values = await graphqlEnum(name);
    expect(values.map((v) => v.name).sort()).toEqual(kinds.map((k) => k.type).sort());
    for (const kind of kinds) expect(values.find((v) => v.name === kind.type)?.description).toBe(kind.description);
  };
  /** A kind's row in a docs table (`| \`type\` | … |`), split into its cells. */
  const docRow = (file: string, type: string): string[] => {
    const row = readFileSync(new URL(`../docs/${file}`, import.meta.url), 'utf8').split('\n').find((line) => line.startsWith(`| \`${type}\` |`));
    expect(row, `docs/${file} has no row for ${type}`).toBeDefined();
    return row!.split(' | ');
  };
  /** The names in backquotes in a docs cell. */
  const named = (cell: string) => [...cell.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]);

  let token: string;

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.tenant('kinds')).token;
  });
  afterAll(() => api?.close());

  describe('probe kinds (libs/probes/src/probe-kinds.ts)', () => {
    it('are the values of the PostgreSQL enum probe_type (a new kind needs its migration)', async () => {
      expect((await enumValues('probe_type')).sort()).toEqual([...PROBE_TYPES].sort());
    });

    it('are the GraphQL enum ProbeType, each value described by its kind', () => expectGraphqlEnum('ProbeType', PROBE_KINDS));

    it('each have their row in docs/monitors.md: required settings, then every other setting', () => {
      for (const kind of PROBE_KINDS) {
        const [, required = '', settings = ''] = docRow('monitors.md', kind.type);
        expect(named(required).sort(), `${kind.type}: required settings`).toEqual(requiredKeys(kind.config).sort());
        for (const key of Object.keys(kind.config)) expect([...named(required), ...named(settings)], `${kind.type}: ${key} undocumented`).toContain(key);
      }
    });
  });

  describe('alert channel kinds (libs/alerts/src/channels/channel-kinds.ts)', () => {
    it('are the GraphQL enum ChannelType, each value described by its kind', () => expectGraphqlEnum('ChannelType', CHANNEL_KINDS));
    it('each with a secret names it for forms (secretLabel), and the API lists every kind with its settings for the dashboard', async () => {
      expect(CHANNEL_KINDS.filter((k) => k.secret && !k.secretLabel).map((k) => k.type)).toEqual([]);
      const { alertChannelTypes } = await api.ok<{ alertChannelTypes: { type: string; secretLabel: string | null; fields: { name: string }[] }[] }>(
        '{ alertChannelTypes { type secretLabel fields { name } } }', {}, token,
      );
      expect(alertChannelTypes.map((t) => t.type)).toEqual(CHANNEL_KINDS.map((k) => k.type));
      for (const kind of CHANNEL_KINDS) {
        const listed = alertChannelTypes.find((t) => t.type === kind.type)!;
        expect(listed.fields.map((f) => f.name)).toEqual(Object.keys(kind.config));
        expect(listed.secretLabel).toBe(kind.secret ? kind.secretLabel : null);
      }
    });
  });

  describe('resource kinds (libs/runbooks/src/resources/resource-kinds.ts)', () => {
    it('are the values of the PostgreSQL enum resource_kind (a new kind needs its migration)', async () => {
      expect((await enumValues('resource_kind')).sort()).toEqual([...RESOURCE_TYPES].sort());
    });

    it('are the GraphQL enum ResourceKind, each value described by its kind', () => expectGraphqlEnum('ResourceKind', RESOURCE_KINDS));

    it('each have their row in docs/runbooks.md: every setting, then exactly its secrets', () => {
      for (const kind of RESOURCE_KINDS) {
        const [, settings = '', secrets = ''] = docRow('runbooks.md', kind.type);
        for (const key of Object.keys(kind.config)) expect(named(settings), `${kind.type}: ${key} undocumented`).toContain(key);
        expect(named(secrets).sort(), `${kind.type}: secrets`).toEqual([...kind.secrets].sort());
      }
      // The setting every kind takes (added by the registry) is documented once for all.
      for (const type of RESOURCE_TYPES) expect(Object.keys(resourceKind(type)!.config)).toContain('flapStableSeconds');
      expect(readFileSync(new URL('../docs/runbooks.md', import.meta.url), 'utf8')).toContain('`config.flapStableSeconds` (every kind');
    });

    it('the API lists every kind for forms: its settings (flapStableSeconds included), its secrets, what its members are', async () => {
      const { resourceKinds } = await api.ok<{ resourceKinds: { type: string; fields: { name: string }[]; secrets: { name: string; label: string }[]; members: { are: string }; hasPrimary: boolean }[] }>(
        '{ resourceKinds { type fields { name } secrets { name label } members { are } hasPrimary } }', {}, token,
      );
      expect(resourceKinds.map((k) => k.type)).toEqual(RESOURCE_KINDS.map((k) => k.type));
      for (const kind of RESOURCE_KINDS) {
        const listed = resourceKinds.find((k) => k.type === kind.type)!;
        expect(listed.fields.map((f) => f.name)).toEqual(Object.keys(resourceKind(kind.type)!.config));
        expect(listed.fields.map((f) => f.name)).toContain('flapStableSeconds');
        expect(listed.secrets.map((s) => s.name)).toEqual([...kind.secrets]);
        expect(listed.members.are).toBe(kind.members.are);
        expect(listed.hasPrimary, kind.type).toBe(kind.onMemberDown !== 'drain');
      }
      expect(resourceKinds.find((k) => k.type === 'dns_record')!.secrets).toEqual([{ name: 'tsigSecret', label: 'TSIG secret' }, { name: 'apiKey', label: 'API key' }]);
      expect(resourceKinds.find((k) => k.type === 'lb_pool')!.hasPrimary).toBe(false);
    });

    it('bind built-in runbooks that exist, and every built-in runbook is some kind\'s', () => {
      const names = BUILTIN_RUNBOOKS.map((b) => b.name);
      for (const kind of RESOURCE_KINDS) {
        const runbooks: { failure?: string; recovery?: string; manual?: readonly string[] } = kind.runbooks;
        for (const name of [runbooks.failure, runbooks.recovery, ...(runbooks.manual ?? [])]) if (name) expect(names, kind.type).toContain(name);
      }
      for (const template of BUILTIN_RUNBOOKS) expect(template.kinds, template.name).not.toEqual([]);
    });
  });

  describe('runbook step kinds (libs/runbooks/src/steps/step-kinds.ts)', () => {
    it('each are documented in docs/runbooks.md', () => {
      const doc = readFileSync(new URL('../docs/runbooks.md', import.meta.url), 'utf8');
      for (const kind of STEP_KINDS) expect(doc, `docs/runbooks.md says nothing of ${kind.type}`).toContain(`\`${kind.type}\``);
    });

    it('wait.until can wait for every probe kind', () => {
      const probe = stepKind('wait.until')!.fields.probe!;
      for (const type of PROBE_TYPES) expect(fieldProblem(probe, type), type).toBeUndefined();
      expect(fieldProblem(probe, 'gopher')).toMatch(/^must be one of http, /);
    });
  });
});
