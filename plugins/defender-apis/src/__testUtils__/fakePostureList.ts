import { parseEntityRef } from '@backstage/catalog-model';
import {
  ApiPosture,
  PostureList,
  PostureListQuery,
  STATUS_ATTENTION_ORDER,
} from '@defender-apis/plugin-defender-apis-common';

function matches(posture: ApiPosture, query: PostureListQuery): boolean {
  const oneOf = (values: readonly string[] | undefined, value?: string) =>
    !values?.length || (value !== undefined && values.includes(value));
  const needle = query.q?.trim().toLocaleLowerCase('en-US');
  const name = parseEntityRef(posture.entityRef).name;
  return (
    oneOf(query.status, posture.status) &&
    (!query.owner?.length ||
      posture.owners.some(owner => query.owner!.includes(owner))) &&
    oneOf(query.system, posture.system) &&
    oneOf(query.domain, posture.domain) &&
    oneOf(query.lifecycle, posture.lifecycle) &&
    (!needle ||
      [name, posture.title].some(text =>
        text?.toLocaleLowerCase('en-US').includes(needle),
      ))
  );
}

function compare(query: PostureListQuery) {
  const sign = query.order === 'desc' ? -1 : 1;
  return (a: ApiPosture, b: ApiPosture) => {
    if (query.sort === 'status') {
      const rank =
        STATUS_ATTENTION_ORDER.indexOf(a.status) -
        STATUS_ATTENTION_ORDER.indexOf(b.status);
      if (rank !== 0) return sign * rank;
    }
    return sign * a.entityRef.localeCompare(b.entityRef);
  };
}

/**
 * `listPostures` of a fake backend over `all`, enough like the real one for the page's tests:
 * every filter, `q` on name and title, sort by name or status, offset or cursor paging (the
 * cursor is the next offset as text).
 */
export function fakeListPostures(all: ApiPosture[]) {
  return jest.fn(async (query: PostureListQuery = {}): Promise<PostureList> => {
    const limit = Math.min(query.limit ?? 100, 500);
    const start = query.cursor ? Number(query.cursor) : query.offset ?? 0;
    const selected = all.filter(p => matches(p, query)).sort(compare(query));
    const end = start + limit;
    return {
      items: selected.slice(start, end),
      totalItems: selected.length,
      ...(query.cursor ? {} : { offset: start }),
      limit,
      ...(end < selected.length ? { nextCursor: String(end) } : {}),
    };
  });
}
