import { purgeParticipant } from '#lib/inventory';

/** A purged monitor's detection history (state changes, current state, rollups) goes with it: removed here, by its owner. */
export const detectionPurge = purgeParticipant('detection', {
  count: async (manager, { monitorIds }) => {
    const [row]: { n: number }[] = await manager.query('SELECT count(*)::int AS n FROM monitor_state_changes WHERE monitor_id = ANY($1::uuid[])', [monitorIds]);
    return { stateChanges: row!.n };
  },
  remove: async (manager, { monitorIds }) => {
    if (!monitorIds.length) return;
    for (const table of ['monitor_state_changes', 'monitor_states', 'probe_rollups']) {
      await manager.query(`DELETE FROM ${table} WHERE monitor_id = ANY($1::uuid[])`, [monitorIds]);
    }
  },
});
