import { describe, expect, it } from 'vitest';
import { changeSourceSql, compareGtid, flavorOf, replicaStatusSql, resetReplicaSql, stopReplicaSql, waitAppliedSql } from './replication-sql.js';

describe('replication statements per server', () => {
  it('tells the flavours apart by version', () => {
    expect(flavorOf('10.11.19-MariaDB-0+deb12u1-log')).toBe('mariadb');
    expect(flavorOf('8.0.36')).toBe('mysql8');
    expect(flavorOf('8.0.21')).toBe('mysql57');
    expect(flavorOf('5.7.44-log')).toBe('mysql57');
    expect(flavorOf('8.4.0')).toBe('mysql8');
  });

  it('speaks each wording', () => {
    expect([replicaStatusSql('mysql8'), stopReplicaSql('mysql8'), resetReplicaSql('mysql8')]).toEqual(['SHOW REPLICA STATUS', 'STOP REPLICA', 'RESET REPLICA ALL']);
    expect([replicaStatusSql('mariadb'), stopReplicaSql('mysql57'), resetReplicaSql('mariadb')]).toEqual(['SHOW SLAVE STATUS', 'STOP SLAVE', 'RESET SLAVE ALL']);
    expect(changeSourceSql('mysql8')).toMatch(/^CHANGE REPLICATION SOURCE TO SOURCE_HOST = \?.*SOURCE_AUTO_POSITION = 1/);
    expect(changeSourceSql('mysql57')).toMatch(/MASTER_AUTO_POSITION = 1/);
    expect(changeSourceSql('mariadb')).toMatch(/MASTER_USE_GTID = slave_pos/);
    expect(waitAppliedSql('mariadb')).toMatch(/MASTER_GTID_WAIT/);
    expect(waitAppliedSql('mysql8')).toMatch(/WAIT_FOR_EXECUTED_GTID_SET/);
  });

  it('orders MariaDB GTID positions by domain sequence', () => {
    expect(compareGtid('0-1-120', '0-1-100')).toBeGreaterThan(0);
    expect(compareGtid('0-1-100', '0-1-120')).toBeLessThan(0);
    expect(compareGtid('0-1-100,1-2-5', '0-1-100')).toBeGreaterThan(0);
    expect(compareGtid('0-1-100', '0-2-100')).toBe(0);
    expect(compareGtid('', '0-1-1')).toBeLessThan(0);
  });
});
