import { readFileSync } from 'node:fs';
import { defineImporter } from '../importer-kind.js';
import { importKumaBackup } from './kuma-backup.importer.js';
import { importKumaDatabase } from './kuma-database.importer.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

export const uptimeKumaImporter = defineImporter({
  name: 'uptime-kuma',
  path: "Uptime Kuma 2.x's SQLite database (kuma.db, read only) or a 1.x backup JSON (Settings → Backup → Export)",
  // The file says which it is: a SQLite database starts with its magic string.
  read: (source) => (readFileSync(source).subarray(0, 16).toString('latin1') === SQLITE_MAGIC ? importKumaDatabase(source) : importKumaBackup(source)),
});
