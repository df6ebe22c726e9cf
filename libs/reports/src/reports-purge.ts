import { purgeParticipant } from '#lib/inventory';

/** A purged customer's monthly-report claims go with it: removed here, by their owner. */
export const reportsPurge = purgeParticipant('reports', {
  remove: async (manager, { customerIds }) => {
    if (customerIds.length) await manager.query('DELETE FROM report_mailings WHERE customer_id = ANY($1::uuid[])', [customerIds]);
  },
});
