/**
 * Filtered lists read page by page in SQL: sorted by one column with a unique key as tie
 * breaker, paged by an opaque cursor (or an offset), counted in the same go.
 */
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';

/** Sort, order and paging of a list query, validated by the router. */
export interface PageQuery<S extends string> {
  sort: S;
  order: 'asc' | 'desc';
  cursor?: string;
  offset?: number;
  limit: number;
}

interface Cursor<S extends string> {
  /** Sort field and order the cursor was made for. */
  s: S;
  o: 'asc' | 'desc';
  /** Sort value and key of the last item of the previous page. */
  v: string | number;
  r: string;
}

function encodeCursor<S extends string>(cursor: Cursor<S>): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor<S extends string>(
  text: string,
  query: PageQuery<S>,
): Cursor<S> {
  let cursor: Partial<Cursor<S>> | undefined;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    cursor = undefined;
  }
  const valid =
    cursor &&
    typeof cursor.r === 'string' &&
    (typeof cursor.v === 'string' || typeof cursor.v === 'number') &&
    cursor.s === query.sort &&
    cursor.o === query.order;
  if (!valid) {
    throw new InputError(
      `Invalid query parameter cursor: expected the nextCursor of a previous page with sort=${
        query.sort
      } and order=${query.order}, found "${text.slice(0, 100)}"`,
    );
  }
  return cursor as Cursor<S>;
}

/** `LIKE` pattern of a literal substring: `%`, `_` and the escape character stay literal. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/**
 * One page of the rows `base` selects, ordered by `column` then `key`, and how many rows it
 * selects in all. `select` names the columns each row needs.
 */
export async function readPage<S extends string, Row extends object>(
  base: Knex.QueryBuilder,
  options: {
    query: PageQuery<S>;
    column: string;
    key: string;
    select: string[];
  },
): Promise<{ rows: Row[]; totalItems: number; nextCursor?: string }> {
  const { query, column, key, select } = options;
  const counted = base.clone().count({ n: '*' }).first();
  if (query.limit === 0) {
    const count = await counted;
    return { rows: [], totalItems: countOf(count) };
  }
  const page = base
    .clone()
    .select(...select, `${column} as sort_value`, `${key} as page_key`);
  if (query.cursor) {
    const { v, r } = decodeCursor(query.cursor, query);
    const op = query.order === 'asc' ? '>' : '<';
    page.where(q =>
      q
        .where(column, op, v)
        .orWhere(q2 => q2.where(column, v).andWhere(key, op, r)),
    );
  } else if (query.offset) {
    page.offset(query.offset);
  }
  page.orderBy([
    { column, order: query.order },
    { column: key, order: query.order },
  ]);
  page.limit(query.limit + 1);
  const [rows, count] = await Promise.all([page, counted]);
  const more = rows.length > query.limit;
  const items = (
    rows as Array<Row & { sort_value: string | number; page_key: string }>
  ).slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    rows: items,
    totalItems: countOf(count),
    ...(more && last
      ? {
          nextCursor: encodeCursor({
            s: query.sort,
            o: query.order,
            v: last.sort_value,
            r: last.page_key,
          }),
        }
      : {}),
  };
}

function countOf(row: unknown): number {
  return Number((row as { n: number | string } | undefined)?.n ?? 0);
}
