import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { VigiaException } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import type { Principal } from '#lib/tenancy';
import { CustomersService } from './customers.service.js';
import { Customer } from './entities/customer.entity.js';
import { ServiceCustomer } from './entities/service-customer.entity.js';
import type { SetServiceCustomerLinkInput } from './graphql/inventory.inputs.js';

/** A period is current while it has begun and not ended, or has not begun yet (a scheduled start). */
const CURRENT_OR_UPCOMING = '(l.ends_at IS NULL OR l.ends_at > now())';
const RUNNING = 'l.starts_at <= now() AND (l.ends_at IS NULL OR l.ends_at > now())';

/**
 * The periods during which a service serves a customer. Every write locks the service row first, so two writers
 * cannot both see "no overlap" and insert overlapping periods; the partial unique index on open periods backs it up.
 */
@Injectable()
export class ServiceLinksService {
  constructor(
    @InjectRepository(ServiceCustomer) private readonly links: Repository<ServiceCustomer>,
    private readonly customers: CustomersService,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * `customerIds` of createService/updateService: the set of customers served from now on. Customers leaving the set
   * have their running period ended now; customers joining it get a new period starting now with weight 1.
   */
  async replaceCurrent(manager: EntityManager, tenantId: string, serviceId: string, customerIds: string[]): Promise<void> {
    await lockService(manager, serviceId);
    const current: { id: string; customer_id: string }[] = await manager.query(
      `SELECT l.id, l.customer_id FROM service_customers l WHERE l.service_id = $1 AND ${CURRENT_OR_UPCOMING}`,
      [serviceId],
    );
    const leaving = current.filter((l) => !customerIds.includes(l.customer_id)).map((l) => l.id);
    if (leaving.length) {
      // A period that has not begun holds no history: removed rather than ended before its start.
      await manager.query('DELETE FROM service_customers WHERE id = ANY($1::uuid[]) AND starts_at >= now()', [leaving]);
      await manager.query('UPDATE service_customers SET ends_at = now() WHERE id = ANY($1::uuid[])', [leaving]);
    }
    const joining = customerIds.filter((id) => !current.some((l) => l.customer_id === id));
    if (joining.length) {
      await manager.query(
        'INSERT INTO service_customers (tenant_id, service_id, customer_id, starts_at, weight) SELECT $1, $2, c, now(), 1 FROM unnest($3::uuid[]) AS c',
        [tenantId, serviceId, joining],
      );
    }
  }

  /** Adds a period (no `id`) or rewrites one (`id`): start, end, weight; refuses an overlap with another period. */
  set(principal: Principal, input: SetServiceCustomerLinkInput, serviceId: string, customerId: string): Promise<ServiceCustomer> {
    return this.tx.run(async (manager) => {
      await lockService(manager, serviceId);
      const existing = input.id ? await this.period(manager, principal, input.id, serviceId, customerId) : null;
      const [{ now }]: { now: Date }[] = await manager.query('SELECT now() AS now');
      const next = {
        startsAt: input.startsAt ?? existing?.startsAt ?? now,
        endsAt: input.endsAt !== undefined ? input.endsAt : (existing?.endsAt ?? null),
        weight: input.weight ?? existing?.weight ?? 1,
      };
      if (next.endsAt && next.endsAt.getTime() <= next.startsAt.getTime()) throw VigiaException.invalid('input.endsAt', 'must end after it starts');
      await refuseOverlap(manager, serviceId, customerId, next, existing?.id ?? null);
      const saved = await manager.save(ServiceCustomer, { ...(existing ?? {}), tenantId: principal.tenantId, serviceId, customerId, ...next });
      return manager.findOneByOrFail(ServiceCustomer, { id: saved.id });
    });
  }

  private async period(manager: EntityManager, principal: Principal, id: string, serviceId: string, customerId: string): Promise<ServiceCustomer> {
    const found = await manager.findOne(ServiceCustomer, { where: { id, tenantId: principal.tenantId, serviceId, customerId } });
    if (!found) throw VigiaException.notFound('service-customer link', 'input.id');
    return found;
  }

  /** Every period of a service, oldest first, with customers that are not deleted. */
  ofService(principal: Principal, serviceId: string): Promise<ServiceCustomer[]> {
    return this.periods(principal, { mine: 'service_id', other: 'customer_id', table: 'customers' }, serviceId);
  }

  /** Every period of a customer, oldest first, with services that are not deleted. */
  ofCustomer(principal: Principal, customerId: string): Promise<ServiceCustomer[]> {
    return this.periods(principal, { mine: 'customer_id', other: 'service_id', table: 'services' }, customerId);
  }

  private periods(principal: Principal, side: { mine: string; other: string; table: string }, id: string): Promise<ServiceCustomer[]> {
    return this.links
      .createQueryBuilder('l')
      .innerJoin(side.table, 'o', `o.id = l.${side.other} AND o.deleted_at IS NULL`)
      .where(`l.tenant_id = :tenantId AND l.${side.mine} = :id`, { tenantId: principal.tenantId, id })
      .orderBy('l.starts_at')
      .addOrderBy('l.id')
      .getMany();
  }

  /** The customers a service serves right now (a running period, customer not deleted), by name. */
  currentCustomers(principal: Principal, serviceId: string): Promise<Customer[]> {
    return this.customers.scope
      .query(principal, 'c')
      .innerJoin('service_customers', 'l', `l.customer_id = c.id AND l.service_id = :serviceId AND ${RUNNING}`, { serviceId })
      .orderBy('c.name')
      .getMany();
  }
}

async function lockService(manager: EntityManager, serviceId: string): Promise<void> {
  await manager.query('SELECT 1 FROM services WHERE id = $1 FOR UPDATE', [serviceId]);
}

async function refuseOverlap(
  manager: EntityManager,
  serviceId: string,
  customerId: string,
  next: { startsAt: Date; endsAt: Date | null },
  exceptId: string | null,
): Promise<void> {
  // tstzrange with a null upper bound is unbounded: an open period overlaps everything after its start.
  const [clash]: { starts_at: Date; ends_at: Date | null }[] = await manager.query(
    `SELECT starts_at, ends_at FROM service_customers
      WHERE service_id = $1 AND customer_id = $2 AND id IS DISTINCT FROM $3::uuid
        AND tstzrange(starts_at, ends_at) && tstzrange($4::timestamptz, $5::timestamptz)
      ORDER BY starts_at LIMIT 1`,
    [serviceId, customerId, exceptId, next.startsAt, next.endsAt],
  );
  if (clash) {
    const until = clash.ends_at ? clash.ends_at.toISOString() : 'open end';
    throw VigiaException.invalid('input.startsAt', `overlaps the period from ${clash.starts_at.toISOString()} to ${until} of this service and customer`);
  }
}
