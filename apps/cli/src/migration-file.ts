import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes a TypeORM migration class of raw SQL and registers it at the end of migrations/index.ts. */
export async function writeMigration(dir: string, name: string, up: string[], down: string[], now = new Date()): Promise<string> {
  if (!/^[A-Z][A-Za-z0-9]{2,60}$/.test(name)) throw new Error('name: must be PascalCase, e.g. AddMaintenanceWindows');
  const timestamp = now.getTime();
  const className = `${name}${timestamp}`;
  const file = `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
  const sql = (queries: string[]): string => queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${sql(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${sql([...down].reverse())}
  }
}
`;
  await writeFile(join(dir, `${file}.ts`), source);
  const indexPath = join(dir, 'index.ts');
  const index = await readFile(indexPath, 'utf8');
  const withImport = `import { ${className} } from './${file}.js';\n` + index;
  const registered = withImport.replace(/export const allMigrations = \[([\s\S]*?)\];/, (_m, list: string) => {
    const items = list.split(',').map((s) => s.trim()).filter(Boolean).concat(className);
    return `export const allMigrations = [\n${items.map((i) => `  ${i},`).join('\n')}\n];`;
  });
  await writeFile(indexPath, registered);
  return file;
}
