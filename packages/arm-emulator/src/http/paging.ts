import { ArmHttpError, armErrors } from './armErrors';
import { RouteContext } from './types';

/*
 * ARM paging: a page carries `value` and, when more items follow, an absolute `nextLink` that
 * the client GETs as is (the SDKs do not add parameters to it).
 */

/**
 * A Microsoft.Security style page: `$skipToken` in the nextLink, no nextLink on the last page.
 */
export function skipTokenPage<T>(
  items: T[],
  ctx: RouteContext,
): { value: T[]; nextLink?: string } {
  const token = ctx.query.get('$skipToken');
  const offset = token === null ? 0 : decodeSkipToken(token);
  const end = offset + ctx.settings.pageSize;
  const page = { value: items.slice(offset, end) };
  if (end >= items.length) return page;
  return {
    ...page,
    nextLink: linkWith(ctx, { $skipToken: encodeSkipToken(end) }, [
      '$skipToken',
    ]),
  };
}

/**
 * An API Management page: `$top`/`$skip` parameters, a total `count`, and an empty `nextLink`
 * on the last page (as in the ApiManagementListApis example).
 */
export function apimPage<T>(
  items: T[],
  ctx: RouteContext,
): { value: T[]; count: number; nextLink: string } {
  const top = intParam(ctx, '$top', 1) ?? ctx.settings.pageSize;
  const skip = intParam(ctx, '$skip', 0) ?? 0;
  const end = skip + top;
  return {
    value: items.slice(skip, end),
    count: items.length,
    nextLink:
      end >= items.length
        ? ''
        : linkWith(ctx, { $top: String(top), $skip: String(end) }, [
            '$top',
            '$skip',
          ]),
  };
}

/** The current request's URL with `set` parameters replacing `drop` ones. */
function linkWith(
  ctx: RouteContext,
  set: Record<string, string>,
  drop: string[],
): string {
  const url = new URL(ctx.rawPath, ctx.baseUrl);
  for (const [key, value] of ctx.query) {
    if (!drop.includes(key)) url.searchParams.append(key, value);
  }
  for (const [key, value] of Object.entries(set))
    url.searchParams.set(key, value);
  return url.toString();
}

function intParam(
  ctx: RouteContext,
  name: string,
  min: number,
): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ArmHttpError(
      armErrors.badRequest(
        'InvalidParameter',
        `Invalid value '${raw}' for query parameter '${name}'; expected an integer >= ${min}.`,
      ),
    );
  }
  return value;
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeSkipToken(token: string): number {
  try {
    const { offset } = JSON.parse(
      Buffer.from(token, 'base64url').toString('utf8'),
    );
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw new ArmHttpError(
    armErrors.badRequest(
      'InvalidSkipToken',
      `The $skipToken '${token}' is not valid.`,
    ),
  );
}
