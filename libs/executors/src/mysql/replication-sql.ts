/**
 * The statements of a promotion in each server's own wording: MariaDB (`SLAVE`, `MASTER_USE_GTID`), MySQL 8.0.22+
 * (`REPLICA`, `SOURCE`), MySQL 5.7 (`SLAVE`, `MASTER_AUTO_POSITION`). Pure, so each wording is tested without a server.
 */
export type MysqlFlavor = 'mariadb' | 'mysql8' | 'mysql57';

export function flavorOf(version: string): MysqlFlavor {
  if (/mariadb/i.test(version)) return 'mariadb';
  const [major, minor, patch] = version.split(/[.-]/).map(Number);
  if (major! > 8 || (major === 8 && (minor! > 0 || patch! >= 22))) return 'mysql8';
  return 'mysql57';
}

export function replicaStatusSql(flavor: MysqlFlavor): string {
  return flavor === 'mysql8' ? 'SHOW REPLICA STATUS' : 'SHOW SLAVE STATUS';
}

export function stopReplicaSql(flavor: MysqlFlavor): string {
  return flavor === 'mysql8' ? 'STOP REPLICA' : 'STOP SLAVE';
}

export function startReplicaSql(flavor: MysqlFlavor): string {
  return flavor === 'mysql8' ? 'START REPLICA' : 'START SLAVE';
}

export function resetReplicaSql(flavor: MysqlFlavor): string {
  return flavor === 'mysql8' ? 'RESET REPLICA ALL' : 'RESET SLAVE ALL';
}

/** Waits until everything received is applied (GTID), at most `seconds`; answers 0 (MariaDB) / 0 (MySQL) on success. */
export function waitAppliedSql(flavor: MysqlFlavor): string {
  return flavor === 'mariadb' ? 'SELECT MASTER_GTID_WAIT(?, ?) AS waited' : 'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS waited';
}

export interface SourceSettings {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** CHANGE … TO with GTID auto-positioning; values escaped by the caller's driver (`?` placeholders, client-side). */
export function changeSourceSql(flavor: MysqlFlavor): string {
  if (flavor === 'mysql8') return 'CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, SOURCE_PASSWORD = ?, SOURCE_AUTO_POSITION = 1, SOURCE_CONNECT_RETRY = 1';
  if (flavor === 'mysql57') return 'CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_AUTO_POSITION = 1, MASTER_CONNECT_RETRY = 1';
  return 'CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1';
}

/** MariaDB GTID positions ("0-1-42,1-2-7"): the sequence per replication domain. */
export function gtidSequences(position: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const part of position.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [domain, , seq] = part.split('-');
    if (domain !== undefined && seq !== undefined) result.set(domain, Math.max(result.get(domain) ?? 0, Number(seq)));
  }
  return result;
}

/** Compares two MariaDB GTID positions: >0 when `a` is ahead in some domain and behind in none. */
export function compareGtid(a: string, b: string): number {
  const left = gtidSequences(a);
  const right = gtidSequences(b);
  let ahead = 0;
  let behind = 0;
  for (const domain of new Set([...left.keys(), ...right.keys()])) {
    const diff = (left.get(domain) ?? 0) - (right.get(domain) ?? 0);
    if (diff > 0) ahead += diff;
    if (diff < 0) behind -= diff;
  }
  return ahead - behind;
}
