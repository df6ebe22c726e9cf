import type { DeepPartial, EntityManager, FindOptionsWhere, Repository, SelectQueryBuilder } from 'typeorm';
import { assertUuid, type Connection, PageArgs, paginate, VigiaException, withDatabaseErrors } from '#lib/common';
import type { Principal } from './auth/principal.js';

interface TenantOwned {
  id: string;
  tenantId: string;
}

/**
 * The tenant scope every inventory read and write goes through: each query carries `tenant_id = <caller's tenant>`,
 * so an id of another tenant is indistinguishable from an id that does not exist. For entities with a
 * `@DeleteDateColumn` (monitors, services, hosts, customers) TypeORM adds `deleted_at IS NULL` to every `get`,
 * `getMany`, `query` and `list` here, so a deleted subject is as missing as another tenant's; only
 * `getIncludingDeleted` (reports over past periods, purge) sees it.
 */
export class TenantScopedRepository<E extends TenantOwned> {
  constructor(
    readonly repository: Repository<E>,
    private readonly label: string,
  ) {}

  async get(principal: Principal, id: string, field = 'id'): Promise<E> {
    const where = { id: assertUuid(id, field), tenantId: principal.tenantId } as FindOptionsWhere<E>;
    const entity = await this.repository.findOne({ where });
    if (!entity) throw VigiaException.notFound(this.label, field);
    return entity;
  }

  /** Like `get`, but also finds a soft-deleted subject: for reports over periods when it existed, and for purge. */
  async getIncludingDeleted(principal: Principal, id: string, field = 'id'): Promise<E> {
    const where = { id: assertUuid(id, field), tenantId: principal.tenantId } as FindOptionsWhere<E>;
    const entity = await this.repository.findOne({ where, withDeleted: true });
    if (!entity) throw VigiaException.notFound(this.label, field);
    return entity;
  }

  /** Checks that every id exists in the caller's tenant; the error names the first one that does not. */
  async getMany(principal: Principal, ids: string[], field: string): Promise<E[]> {
    const found: E[] = [];
    for (const [index, id] of ids.entries()) found.push(await this.get(principal, id, `${field}[${index}]`));
    return found;
  }

  query(principal: Principal, alias: string): SelectQueryBuilder<E> {
    return this.repository.createQueryBuilder(alias).where(`${alias}.tenant_id = :tenantId`, { tenantId: principal.tenantId });
  }

  list(principal: Principal, page: PageArgs, sort: keyof E & string, filter?: (q: SelectQueryBuilder<E>) => void): Promise<Connection<E>> {
    const query = this.query(principal, 'e');
    filter?.(query);
    return paginate(query, page, sort);
  }

  create(principal: Principal, data: DeepPartial<E>): Promise<E> {
    const entity = this.repository.create({ ...data, tenantId: principal.tenantId } as DeepPartial<E>);
    return withDatabaseErrors(() => this.repository.save(entity));
  }

  /** `manager`: inside the caller's transaction (e.g. one that holds a lock the update must happen under). */
  async update(principal: Principal, id: string, patch: { [K in keyof E]?: E[K] | null }, manager?: EntityManager): Promise<E> {
    const repository = manager ? manager.getRepository<E>(this.repository.target) : this.repository;
    const entity = await repository.findOne({ where: { id: assertUuid(id, 'id'), tenantId: principal.tenantId } as FindOptionsWhere<E> });
    if (!entity) throw VigiaException.notFound(this.label, 'id');
    this.refuseNulls(patch);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<E>;
    Object.assign(entity, defined, { id: entity.id, tenantId: entity.tenantId });
    return withDatabaseErrors(() => repository.save(entity));
  }

  /** GraphQL lets a client send null for any optional input of an update; only nullable columns may be cleared. */
  refuseNulls(patch: object): void {
    for (const [key, value] of Object.entries(patch)) {
      const column = this.repository.metadata.findColumnWithPropertyName(key);
      if (value === null && !column?.isNullable) throw VigiaException.invalid(`input.${key}`, 'cannot be null');
    }
  }

  async delete(principal: Principal, id: string): Promise<boolean> {
    const entity = await this.get(principal, id);
    await withDatabaseErrors(() => this.repository.delete({ id: entity.id } as FindOptionsWhere<E>));
    return true;
  }
}
