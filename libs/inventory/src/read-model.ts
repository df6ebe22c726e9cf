/**
 * Inventory's published **read model**: PostgreSQL views its migrations own, for libraries downstream whose queries
 * must join inventory's monitors and hosts to their own rows in one statement (detection's states: the watchdog's
 * catalog, the health read models, the fleet, up to 50,000 rows; vantages' assignments; incidents of deleted
 * monitors) — split through a method port, each would read two owners' rows in full and match them in memory.
 *
 * This is the contract: those libraries may name these views and these columns in SQL, nothing else of inventory's
 * (its tables stay private: `tools/table-ownership.spec.ts` refuses them, and refuses a view not listed here).
 * Inventory may change its tables freely as long as the views keep these names, columns and meanings; a change
 * to the contract is a change here, in a migration, and in the readers. The columns' types are the tables'
 * (`test/inventory-read-model.e2e.spec.ts` checks the views' columns against this list).
 *
 * Meanings, kept exactly as the readers used the tables before:
 *  - `inventory_monitor_catalog`: one row per monitor not purged, soft-deleted ones included (`deleted_at` set; a
 *    live monitor is `deleted_at IS NULL`, one the watchdog probes is also `enabled`). Deleting a host deletes its
 *    services and monitors at the same instant (soft-delete.ts). `updated_at` changes with every edit (the
 *    watchdog's fingerprint); `config` holds no secrets, they are in `secrets_sealed` (opened by ProbeTargets).
 *  - `inventory_host_catalog`: one row per host not purged, soft-deleted ones included (`deleted_at`); `addresses`
 *    in order, the first the default probe target; SSH access (`ssh_*`, the credential by id).
 *
 * The views are plain projections (no filter, join or aggregate), so PostgreSQL inlines them: a reader's query plans
 * exactly as it did on the tables, with the tables' indexes. A migration that changes the type of a column they read
 * (a new `probe_type` value added by renaming the enum, for instance) must drop and recreate them around it;
 * `ALTER TYPE … ADD VALUE` needs nothing.
 */
export const INVENTORY_VIEWS = {
  inventory_monitor_catalog: ['id', 'tenant_id', 'host_id', 'service_id', 'name', 'type', 'enabled', 'config', 'secrets_sealed', 'interval_ms', 'timeout_ms', 'updated_at', 'deleted_at'],
  inventory_host_catalog: ['id', 'addresses', 'ssh_port', 'ssh_user', 'ssh_host_key', 'ssh_credential_id', 'updated_at', 'deleted_at'],
} as const satisfies Record<string, readonly string[]>;

export type InventoryView = keyof typeof INVENTORY_VIEWS;
