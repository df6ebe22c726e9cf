import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { VigiaException } from './vigia.exception.js';
import { isUuid } from './ids.js';

export const MAX_PAGE_SIZE = 200;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1..${MAX_PAGE_SIZE} (default 50)` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field({ nullable: true, description: 'endCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field({ nullable: true }) endCursor?: string;
  @Field() hasNextPage: boolean;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds the Relay-style connection type for one node type, e.g. HostConnection. */
export function ConnectionType<T>(nodeType: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor: string;
    @Field(() => nodeType) node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [Edge]) edges: Edge[];
    @Field(() => [nodeType], { description: 'The nodes of this page, without cursors' }) nodes: T[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    @Field(() => Int) totalCount: number;
  }
  return ConnectionClass;
}

interface Cursor {
  key: string;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && isUuid(parsed[1])) {
      return { key: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below: a cursor is opaque, any decoding failure means the client altered it
  }
  throw VigiaException.invalid('after', 'is not a cursor returned by this API');
}

/**
 * Keyset pagination ordered by (sortProperty, id): stable under inserts and O(page) however deep the client goes,
 * unlike OFFSET. The sort property is a column of the query's main alias (text or timestamp).
 */
export async function paginateBy<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  page: PageArgs,
  sortProperty: keyof T & string,
  direction: 'ASC' | 'DESC',
): Promise<Connection<T>> {
  const alias = query.alias;
  const column = query.expressionMap.mainAlias!.metadata.findColumnWithPropertyName(sortProperty)!.databaseName;
  const first = page.first ?? 50;
  const totalCount = await query.clone().getCount();
  if (page.after) {
    const cursor = decodeCursor(page.after);
    query.andWhere(`(${alias}.${column}, ${alias}.id) ${direction === 'ASC' ? '>' : '<'} (:cursorKey, :cursorId)`, {
      cursorKey: cursor.key,
      cursorId: cursor.id,
    });
  }
  const rows = await query
    .orderBy(`${alias}.${column}`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(first + 1)
    .getMany();
  const hasNextPage = rows.length > first;
  const nodes = rows.slice(0, first);
  const key = (node: T): string => {
    const value: unknown = node[sortProperty];
    return value instanceof Date ? value.toISOString() : String(value);
  };
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor({ key: key(node), id: node.id }) }));
  return { edges, nodes, totalCount, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor } };
}

export function paginate<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  page: PageArgs,
  sortProperty: keyof T & string,
): Promise<Connection<T>> {
  return paginateBy(query, page, sortProperty, 'ASC');
}
