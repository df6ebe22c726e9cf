import type { Type } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Connection, PageArgs, VigiaValidationPipe } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';

export interface CrudService<E, C, U, F> {
  scope: { get(principal: Principal, id: string): Promise<E> };
  list(principal: Principal, page: PageArgs, filter?: F): Promise<Connection<E>>;
  create(principal: Principal, input: C): Promise<E>;
  update(principal: Principal, id: string, input: U): Promise<E>;
  delete(principal: Principal, id: string): Promise<boolean>;
}

interface CrudOptions<E, C, U, F> {
  entity: Type<E>;
  connection: Type<Connection<E>>;
  createInput: Type<C>;
  updateInput: Type<U>;
  filter: Type<F>;
  /** GraphQL names: `host` → host, hosts, createHost, updateHost, deleteHost */
  singular: string;
  plural: string;
  /** What deleting does, history included: printed in the schema, where API users read it. */
  deleteDescription: string;
}

/**
 * The five operations every inventory noun has, written once. Reads need a viewer, writes an operator; the tenant
 * comes from the caller, never from the arguments.
 */
export function CrudResolver<E, C extends object, U extends object, F extends object>(options: CrudOptions<E, C, U, F>) {
  const Name = options.singular[0]!.toUpperCase() + options.singular.slice(1);

  @Resolver(() => options.entity, { isAbstract: true })
  abstract class BaseCrudResolver {
    protected abstract readonly crud: CrudService<E, C, U, F>;

    @Query(() => options.connection, { name: options.plural })
    list(
      @CurrentPrincipal() principal: Principal,
      @Args() page: PageArgs,
      @Args('filter', { type: () => options.filter, nullable: true }, new VigiaValidationPipe(options.filter as Type<object>)) filter?: F,
    ): Promise<Connection<E>> {
      return this.crud.list(principal, page, filter);
    }

    @Query(() => options.entity, { name: options.singular })
    get(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<E> {
      return this.crud.scope.get(principal, id);
    }

    @RequireRole(Role.operator)
    @Mutation(() => options.entity, { name: `create${Name}` })
    create(
      @CurrentPrincipal() principal: Principal,
      @Args('input', { type: () => options.createInput }, new VigiaValidationPipe(options.createInput as Type<object>)) input: C,
    ): Promise<E> {
      return this.crud.create(principal, input);
    }

    @RequireRole(Role.operator)
    @Mutation(() => options.entity, { name: `update${Name}` })
    update(
      @CurrentPrincipal() principal: Principal,
      @Args('id', { type: () => ID }) id: string,
      @Args('input', { type: () => options.updateInput }, new VigiaValidationPipe(options.updateInput as Type<object>)) input: U,
    ): Promise<E> {
      return this.crud.update(principal, id, input);
    }

    @RequireRole(Role.operator)
    @Mutation(() => Boolean, { name: `delete${Name}`, description: options.deleteDescription })
    delete(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
      return this.crud.delete(principal, id);
    }
  }
  return BaseCrudResolver;
}
