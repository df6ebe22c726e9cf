import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the boundary rule is plain JavaScript (ESLint loads it without a build step); typed where used
import { ALLOWED_DEPENDENCIES as DEPENDENCIES } from './eslint/boundaries.js';

/**
 * Each library owns its tables: another library gets what it needs through a port in the owner's index.ts, never by
 * naming the owner's tables in SQL nor by reading them through TypeORM. This test reads every library's source and
 * finds the tables it touches:
 *  - in SQL string literals: FROM (with its comma list), JOIN, UPDATE, INTO, USING, TRUNCATE, quoted or
 *    schema-qualified names included;
 *  - in query builders: `.from('table')`, `.innerJoin('table', …)` and the like;
 *  - through TypeORM: a repository or entity-manager call on another library's entity (`@InjectRepository(X)`,
 *    `forFeature([X])`, `getRepository(X)`, `manager.find(X, …)`, `createQueryBuilder(X, …)`), and a relation of
 *    its own entity to another library's loaded or joined (`relations: { tenant: true }`, `join('p.tenant')`);
 * and refuses any owned by another library — except the pairs still listed in KNOWN_CROSSINGS, which may only
 * shrink (a listed pair that no longer occurs fails too, so the list is kept true). A relation declared on an entity
 * (`@ManyToOne(() => Tenant)`, a foreign key) is not a read and is not counted. A table named through a variable
 * (`DELETE FROM ${table}`) is not resolved: keep such names to the library's own tables.
 *
 * A library may also publish a **read model**: views its migrations create, named for it (`inventory_…`), listed
 * with their columns in an exported `…_VIEWS` constant of its index.ts (inventory's `INVENTORY_VIEWS`, the
 * contract). Another library may read those views in SQL — one query may still join them to its own rows — if it
 * may depend on the owner (ALLOWED_DEPENDENCIES: a view is a port, read downstream only); never the owner's tables,
 * nor a view of the owner's it does not publish.
 */
/** Which libraries each library may depend on (tools/eslint/boundaries.js): reading a published view is depending on its owner. */
const ALLOWED_DEPENDENCIES = DEPENDENCIES as Record<string, string[]>;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LIBS = join(ROOT, 'libs');

/** Tables created by migrations without an entity, by owner. */
const TABLES_WITHOUT_ENTITY: Record<string, string> = {
  caught_mails: 'mail',
  tenant_mail_transports: 'mail',
  demo_installations: 'demo',
  auth_failures: 'tenancy',
  // Agents' results one per row until migration VantageResultBatches (its entity is gone; the table is dropped there).
  vantage_results: 'vantages',
};

/**
 * Crossings not yet behind a port (`library → table`), each with why it is still here. Remove a line when its code
 * moves behind the owner's port; never add one without a reason a reviewer accepts.
 */
const KNOWN_CROSSINGS: Record<string, string> = {
  'demo → hosts': "the demo's month of history is seeded in one transaction across every owner (demo-history.ts)",
  'demo → services': 'the same seed',
  'demo → customers': 'the same seed',
  'demo → monitors': 'the same seed, and the host and service of the monitors it has just created (the demo builds through the GraphQL API and may not depend on inventory)',
  'demo → service_customers': 'the same seed',
  'demo → observation_spans': 'the same seed',
  'demo → monitor_state_changes': 'the same seed',
  'demo → incidents': 'the same seed',
  'demo → incident_events': 'the same seed',
};

/** Libraries with no crossing left: none may come back, whatever the list above says. */
const PORTS_ONLY = ['alerts', 'detection', 'incidents', 'inventory', 'reports', 'runbooks', 'status-pages', 'oncall', 'fleet', 'importers', 'tenancy', 'mail', 'vantages'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const libraries = readdirSync(LIBS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
const files = libraries.flatMap((lib) => sourceFiles(join(LIBS, lib, 'src')).map((path) => ({ lib, path, text: readFileSync(path, 'utf8') })));

/** Source without comments (a comment may name any table). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

interface EntityClass {
  lib: string;
  table: string;
  /** Its relations to another library's entity, by property name (`tenant` → `Tenant`). */
  foreignRelations: Map<string, string>;
}

/** Every entity class: its library, its table, its relations. */
function entityClasses(): Map<string, EntityClass> {
  const classes = new Map<string, EntityClass>();
  const relations: { cls: string; prop: string; target: string }[] = [];
  for (const { lib, text } of files) {
    for (const m of code(text).matchAll(/@Entity\(\{?\s*(?:name:\s*)?'([a-z_]+)'[\s\S]*?export class (\w+)[^{]*\{([\s\S]*?)\n\}/g)) {
      classes.set(m[2]!, { lib, table: m[1]!, foreignRelations: new Map() });
      for (const r of m[3]!.matchAll(/@(?:ManyToOne|OneToOne|OneToMany|ManyToMany)\(\s*\(\)\s*=>\s*(\w+)[^\n]*?\s(\w+)\??:\s*\w+/g)) {
        relations.push({ cls: m[2]!, prop: r[2]!, target: r[1]! });
      }
    }
  }
  for (const { cls, prop, target } of relations) {
    const from = classes.get(cls)!;
    if (classes.get(target) && classes.get(target)!.lib !== from.lib) from.foreignRelations.set(prop, target);
  }
  return classes;
}

function owners(): Map<string, string> {
  const map = new Map(Object.entries(TABLES_WITHOUT_ENTITY));
  for (const { lib, table } of entityClasses().values()) map.set(table, lib);
  return map;
}

const migrations = readdirSync(join(ROOT, 'migrations')).map((file) => readFileSync(join(ROOT, 'migrations', file), 'utf8'));

/** The views the migrations create (a view they drop for good would still be listed: none is yet). */
function createdViews(): Set<string> {
  return new Set(migrations.flatMap((text) => [...text.matchAll(/CREATE (?:OR REPLACE )?VIEW \\?"?([a-z_]+)/g)].map((m) => m[1]!)));
}

/** The library a view belongs to: the one whose name it starts with (`inventory_monitor_catalog` → inventory). */
function viewOwner(name: string): string | undefined {
  return libraries.find((lib) => name.startsWith(`${lib.replaceAll('-', '_')}_`));
}

/**
 * The views each library publishes, with their columns: the entries (`view: ['column', …]`) of each
 * `export const X_VIEWS = { … }` in a source file of the library whose name its index.ts exports.
 */
function publishedViews(sources: { lib: string; path: string; text: string }[] = files): Map<string, { lib: string; columns: string[] }> {
  const views = new Map<string, { lib: string; columns: string[] }>();
  for (const { lib, text } of sources) {
    const index = sources.find((f) => f.lib === lib && /[\\/]src[\\/]index\.ts$/.test(f.path))?.text ?? '';
    for (const m of code(text).matchAll(/export const (\w+_VIEWS) = \{([\s\S]*?)\n\}/g)) {
      if (!new RegExp(String.raw`\b${m[1]}\b`).test(code(index))) continue;
      for (const v of m[2]!.matchAll(/^\s*'?([a-z_]+)'?:\s*\[([^\]]*)\]/gm)) {
        views.set(v[1]!, { lib, columns: [...v[2]!.matchAll(/'([a-z_]+)'/g)].map((c) => c[1]!) });
      }
    }
  }
  return views;
}

/** The string literals of a source file, comments left out. */
function literals(text: string): string[] {
  return [...code(text).matchAll(/`((?:[^`\\]|\\.)*)`|'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const NAME = String.raw`(?:"?public"?\.)?"?([a-z_]+)"?`;
/** The tables one SQL string names: after FROM (each of a comma list), JOIN, UPDATE, INTO, USING, TRUNCATE [TABLE]. */
function sqlTables(sql: string): string[] {
  const tables: string[] = [];
  for (const m of sql.matchAll(new RegExp(String.raw`\b(?:JOIN|UPDATE|INTO|USING|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?${NAME}`, 'gi'))) tables.push(m[1]!);
  // FROM a x, b AS y, c — every name of the list (a subquery's "FROM (" names nothing here; its own FROM does).
  const item = String.raw`${NAME}(?:\s+(?:AS\s+)?(?!WHERE\b|JOIN\b|LEFT\b|INNER\b|RIGHT\b|CROSS\b|FULL\b|ON\b|GROUP\b|ORDER\b|LIMIT\b|FOR\b|WINDOW\b|USING\b|NATURAL\b|UNION\b|HAVING\b|RETURNING\b)[a-z_]+)?`;
  for (const m of sql.matchAll(new RegExp(String.raw`\bFROM\s+(${item}(?:\s*,\s*(?:LATERAL\s+)?${item})*)`, 'gi'))) {
    for (const part of m[1]!.split(',')) {
      const name = new RegExp(`^\\s*${NAME}`, 'i').exec(part);
      if (name) tables.push(name[1]!);
    }
  }
  return tables;
}

/** Query-builder calls given a table name: `.from('monitors', 'm')`, `.innerJoin('hosts', 'h', …)`. */
const BUILDER_TABLE = /\.(?:from|into|update|(?:inner|left)Join(?:AndSelect|AndMapOne|AndMapMany)?)\(\s*'([a-z_]+)'/g;

/** TypeORM calls that read or write an entity's table: the entity class is the first argument. */
const ORM_CALL = /(?:InjectRepository|getRepository|getTreeRepository|createQueryBuilder|manager\.(?:find\w*|findOne\w*|save|insert|update|upsert|delete|softDelete|restore|remove|count\w*|exist\w*|increment|decrement|sum|average|minimum|maximum|preload|merge))\(\s*(\w+)\b/g;

/** Every table a library's source file touches, whoever owns it (see the header for the forms read). */
function tablesTouched(lib: string, text: string, classes = entityClasses()): Set<string> {
  const tables = new Set<string>();
  for (const literal of literals(text)) for (const table of sqlTables(literal)) tables.add(table);
  const source = code(text);
  for (const m of source.matchAll(BUILDER_TABLE)) tables.add(m[1]!);
  const entityNamed = (name: string) => {
    const entity = classes.get(name);
    if (entity) tables.add(entity.table);
  };
  for (const m of source.matchAll(ORM_CALL)) entityNamed(m[1]!);
  for (const m of source.matchAll(/forFeature\(\s*\[([^\]]*)\]/g)) for (const name of m[1]!.matchAll(/\b([A-Z]\w+)\b/g)) entityNamed(name[1]!);
  // A relation of this library's entity to another library's, loaded or joined.
  for (const entity of classes.values()) {
    if (entity.lib !== lib) continue;
    for (const [prop, target] of entity.foreignRelations) {
      const loaded = new RegExp(String.raw`relations:\s*(?:\{[^}]*\b${prop}\s*:|\[[^\]]*'${prop}')|Join\w*\(\s*'\w+\.${prop}'`).test(source);
      if (loaded) tables.add(classes.get(target)!.table);
    }
  }
  return tables;
}

function crossings(sources: { lib: string; path: string; text: string }[] = files): Map<string, string[]> {
  const owner = owners();
  const classes = entityClasses();
  const published = publishedViews();
  const found = new Map<string, string[]>();
  for (const { lib, path, text } of sources) {
    for (const table of tablesTouched(lib, text, classes)) {
      // A table's owner from the entities; a view's from its name. Another library's published view is its port,
      // for the libraries that may depend on it.
      const by = owner.get(table) ?? viewOwner(table);
      const mayDepend = ALLOWED_DEPENDENCIES[lib]?.includes(by ?? '') ?? false;
      if (!by || by === lib || (!owner.has(table) && published.get(table)?.lib === by && mayDepend)) continue;
      const key = `${lib} → ${table}`;
      found.set(key, [...new Set([...(found.get(key) ?? []), relative(ROOT, path)])]);
    }
  }
  return found;
}

describe('each library owns its tables', () => {
  it('every table the migrations create has an owner', () => {
    const owner = owners();
    const created = new Set<string>();
    for (const file of readdirSync(join(ROOT, 'migrations'))) {
      const text = readFileSync(join(ROOT, 'migrations', file), 'utf8');
      for (const m of text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?\\?"?([a-z_]+)/g)) created.add(m[1]!);
    }
    expect(created.size).toBeGreaterThan(30);
    expect([...created].filter((t) => !owner.has(t))).toEqual([]);
  });

  it('every view the migrations create is named for its library and published by it, and every published view exists', () => {
    const views = createdViews();
    const published = publishedViews();
    expect(published.get('inventory_monitor_catalog')).toMatchObject({ lib: 'inventory' });
    expect([...views].filter((v) => !viewOwner(v) || owners().has(v))).toEqual([]);
    expect([...views].filter((v) => published.get(v)?.lib !== viewOwner(v))).toEqual([]);
    expect([...published.keys()].filter((v) => !views.has(v))).toEqual([]);
    expect([...published.values()].filter((v) => !v.columns.length)).toEqual([]);
  });

  it('finds a crossing in each form it looks for', () => {
    expect(sqlTables('SELECT 1 FROM monitors m, hosts AS h, "services" s JOIN public.sites x ON true')).toEqual(['sites', 'monitors', 'hosts', 'services']);
    expect(sqlTables('DELETE FROM incidents i USING monitors m WHERE i.monitor_id = m.id')).toEqual(['monitors', 'incidents']);
    expect(sqlTables('SELECT * FROM (SELECT id FROM customers) c WHERE x IN (SELECT 1 FROM tenants)')).toEqual(['customers', 'tenants']);
    expect(sqlTables('TRUNCATE TABLE vantage_results')).toEqual(['vantage_results']);
    expect(entityClasses().get('StatusPage')?.foreignRelations.get('tenant')).toBe('Tenant');
    expect(entityClasses().get('Tenant')).toMatchObject({ lib: 'tenancy', table: 'tenants' });
    const touched = (lib: string, text: string) => [...tablesTouched(lib, text)].sort();
    expect(touched('reports', 'constructor(@InjectRepository(Tenant) private readonly tenants: Repository<Tenant>) {}')).toEqual(['tenants']);
    expect(touched('reports', 'imports: [TypeOrmModule.forFeature([SlaTarget, Customer])]')).toEqual(['customers', 'sla_targets']);
    expect(touched('runbooks', 'const run = await manager.findOneBy(RunbookRun, { id }); this.dataSource.getRepository(Host).find();')).toEqual(['hosts', 'runbook_runs']);
    expect(touched('detection', "qb.from('monitors', 'm').leftJoin('hosts', 'h', 'h.id = m.host_id')")).toEqual(['hosts', 'monitors']);
    expect(touched('status-pages', 'this.pages.find({ where: {}, relations: { tenant: true } })')).toEqual(['tenants']);
    expect(touched('status-pages', "this.pages.createQueryBuilder('p').innerJoinAndSelect('p.tenant', 't')")).toEqual(['tenants']);
    // A comment may name any table; a declared relation (a foreign key) is not a read.
    expect(touched('incidents', '// SELECT * FROM hosts\n@ManyToOne(() => Monitor) monitor?: Monitor;')).toEqual([]);
    // Another library's published view is allowed; its tables, and a view it does not publish, are crossings.
    const sample = (text: string, lib = 'detection') => [...crossings([{ lib, path: join(LIBS, lib, 'src/sample.ts'), text }]).keys()];
    expect(sample('`SELECT 1 FROM inventory_monitor_catalog m JOIN monitor_states s ON s.monitor_id = m.id`')).toEqual([]);
    expect(sample('`SELECT 1 FROM inventory_monitor_catalog m JOIN hosts h ON h.id = m.host_id`')).toEqual(['detection → hosts']);
    expect(sample("`SELECT 1 FROM inventory_monitor_secrets s WHERE EXISTS (SELECT 1 FROM \"public\".\"inventory_host_catalog\")`")).toEqual(['detection → inventory_monitor_secrets']);
    // …and only downstream of the owner: the demo may not depend on inventory, so not on its views either.
    expect(sample('`SELECT id FROM inventory_monitor_catalog WHERE id = ANY($1)`', 'demo')).toEqual(['demo → inventory_monitor_catalog']);
    // Published means listed in a `…_VIEWS` constant the owner's index.ts exports, not merely declared somewhere.
    const unexported = [
      { lib: 'inventory', path: join(LIBS, 'inventory/src/index.ts'), text: "export { InventoryModule } from './inventory.module.js';" },
      { lib: 'inventory', path: join(LIBS, 'inventory/src/private.ts'), text: "export const PRIVATE_VIEWS = {\n  inventory_monitor_secrets: ['id'],\n}" },
    ];
    expect(publishedViews(unexported).size).toBe(0);
    expect(publishedViews([{ ...unexported[0]!, text: "export { PRIVATE_VIEWS } from './private.js';" }, unexported[1]!]).get('inventory_monitor_secrets')).toEqual({ lib: 'inventory', columns: ['id'] });
  });

  it("no library names another library's tables in SQL, beyond the known crossings (which only shrink)", () => {
    const found = crossings();
    const unexpected = [...found].filter(([key]) => !(key in KNOWN_CROSSINGS)).map(([key, where]) => `${key} (${where.join(', ')})`);
    expect(unexpected).toEqual([]);
    const gone = Object.keys(KNOWN_CROSSINGS).filter((key) => !found.has(key));
    expect(gone).toEqual([]);
  });

  it(`${PORTS_ONLY.join(', ')} read other libraries only through their ports`, () => {
    const found = [...crossings().keys()].filter((key) => PORTS_ONLY.some((lib) => key.startsWith(`${lib} →`)));
    expect(found).toEqual([]);
  });
});
