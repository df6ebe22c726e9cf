import { describe, expect, it } from 'vitest';
import type { MonitorHealth } from '#lib/detection';
import type { Resource } from '../entities/resource.entity.js';
import { mysqlGroupKind } from './mysql-group.kind.js';

const member = (hostId: string) => ({ hostId, monitorIds: [] as string[] });
const row = (hostId: string, lastReason: string) => ({ hostId, monitorId: `${hostId}-m`, type: 'mysql', health: 'up', since: new Date(0), lastReason, reason: null, judged: true });

describe('a MySQL group reads its members\' replication from their monitors', () => {
  it('a replica says "replicating from"; a primary does not; a monitor whose user may not read the replica status says nothing either way', async () => {
    const health = { ofHosts: async () => [
      row('replica', 'MySQL 10.0.0.2:3306 answered in 2 ms (read_only), replicating from 10.0.0.1:3306, Seconds_Behind_Master=0'),
      row('primary', 'MySQL 10.0.0.1:3306 answered in 2 ms'),
      row('blind', 'MySQL 10.0.0.3:3306 answered in 2 ms (read_only) (replication state not readable: the user lacks the SLAVE MONITOR (MariaDB 10.5+) or REPLICATION CLIENT (MySQL) privilege)'),
    ] } as unknown as MonitorHealth;
    const resource = { tenantId: 't', members: [member('primary'), member('replica'), member('blind')] } as unknown as Resource;
    const seen = await mysqlGroupKind.readReplication!(resource, health);
    expect([...seen]).toEqual([['primary', false], ['replica', true]]);
  });
});
