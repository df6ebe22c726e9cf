import { purgeParticipant } from '#lib/inventory';

/** A purged monitor's incidents go with it (their events and outbox rows by foreign key): removed here, by their owner. */
export const incidentsPurge = purgeParticipant('incidents', {
  count: async (manager, { monitorIds }) => {
    const [row]: { n: number }[] = await manager.query('SELECT count(*)::int AS n FROM incidents WHERE monitor_id = ANY($1::uuid[])', [monitorIds]);
    return { incidents: row!.n };
  },
  remove: async (manager, { monitorIds }) => {
    if (monitorIds.length) await manager.query('DELETE FROM incidents WHERE monitor_id = ANY($1::uuid[])', [monitorIds]);
  },
});
