import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, QUERY_COST, VigiaException } from '#lib/common';
import { CurrentPrincipal, type Principal } from '#lib/tenancy';

/**
 * What the Fleet's search finds beyond the names the dashboard already holds: monitors of hosts with a matching tag,
 * and monitors of services that serve a matching customer now. Names stay a client-side filter (instant over 10,000
 * monitors); customers and tags are the server's, because the fleet does not carry 9,000 customer names.
 */
@Resolver()
export class FleetSearchResolver {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => [ID], { description: 'Monitors whose host has a tag, or whose service serves a customer (now), containing `text` (case-insensitive; 2 to 100 characters)', complexity: QUERY_COST.fleet })
  async fleetSearch(@CurrentPrincipal() principal: Principal, @Args('text') text: string): Promise<string[]> {
    const needle = text.trim();
    if (needle.length < 2 || needle.length > 100) throw new VigiaException('VALIDATION_FAILED', 'Search: from 2 to 100 characters', 'text');
    // LIKE wildcards the operator typed are matched literally.
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT m.id FROM monitors m JOIN hosts h ON h.id = m.host_id
        WHERE m.tenant_id = $1 AND m.deleted_at IS NULL AND h.deleted_at IS NULL
          AND (EXISTS (SELECT 1 FROM unnest(h.tags) t WHERE t ILIKE $2)
               OR (m.service_id IS NOT NULL AND EXISTS (
                 SELECT 1 FROM service_customers sc JOIN customers c ON c.id = sc.customer_id
                  WHERE sc.service_id = m.service_id AND sc.tenant_id = $1 AND c.deleted_at IS NULL AND c.name ILIKE $2
                    AND sc.starts_at <= $3 AND (sc.ends_at IS NULL OR sc.ends_at > $3))))
        LIMIT 50000`,
      [principal.tenantId, pattern, this.clock.now()],
    );
    return rows.map((r) => r.id);
  }
}
