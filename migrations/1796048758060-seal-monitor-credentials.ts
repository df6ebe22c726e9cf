import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSealer } from './migration-secrets.js';

// The rules of this release, copied (a migration must not change when the code later does):
// libs/inventory/src/monitor-secrets.ts.
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential/i;
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$/i;
const SEALED = '<sealed>';

/** Moves the credentials out of a config: the config keeps `<sealed>`, the values come back apart. */
function separate(config: Record<string, unknown>): { config: Record<string, unknown>; secrets: Record<string, string> } {
  const out = structuredClone(config);
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === 'string' && SECRET_KEY.test(key) && value !== SEALED && value !== '') {
      secrets[key] = value;
      out[key] = SEALED;
    }
    if (key === 'headers' && value && typeof value === 'object' && !Array.isArray(value)) {
      const headers = { ...(value as Record<string, unknown>) };
      for (const [name, v] of Object.entries(headers)) {
        if (typeof v !== 'string' || !SECRET_HEADER.test(name) || v === SEALED || v === '') continue;
        secrets[`headers.${name}`] = v;
        headers[name] = SEALED;
      }
      out[key] = headers;
    }
  }
  return { config: out, secrets };
}

/**
 * Monitor credentials (MySQL/SMTP/IMAP/POP3 passwords, Authorization headers…) were stored and returned in clear.
 * They move to `secrets_sealed` (AES-256-GCM with the master key, the monitor's id authenticated), and the config
 * keeps `<sealed>` in their place. The master key is lent by the migration runner (Vigia's own start or
 * `npm run migration:run`); without it, a database holding credentials is not migrated rather than half-migrated.
 */
export class SealMonitorCredentials1796048758060 implements MigrationInterface {
  name = 'SealMonitorCredentials1796048758060';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"monitors\" ADD \"secrets_sealed\" text");
    const rows: { id: string; config: Record<string, unknown> }[] = await queryRunner.query(
      "SELECT id, config FROM monitors WHERE config::text ~* '(pass|secret|token|api.?key|credential|authorization|cookie)'",
    );
    for (const row of rows) {
      const { config, secrets } = separate(row.config);
      if (Object.keys(secrets).length === 0) continue;
      const seal = migrationSealer();
      if (!seal) throw new Error('sealing monitor credentials needs the master key: run the migrations through Vigia (npm start, npm run migration:run)');
      await queryRunner.query('UPDATE monitors SET config = $2, secrets_sealed = $3 WHERE id = $1', [
        row.id,
        JSON.stringify(config),
        seal(JSON.stringify(secrets), `monitors:${row.id}`),
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ n }]: { n: number }[] = await queryRunner.query('SELECT count(*)::int AS n FROM monitors WHERE secrets_sealed IS NOT NULL');
    if (n > 0) throw new Error(`${n} monitors hold sealed credentials that this revert would lose; re-enter them in clear first`);
    await queryRunner.query("ALTER TABLE \"monitors\" DROP COLUMN \"secrets_sealed\"");
  }
}
