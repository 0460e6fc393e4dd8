import {
  ApiPosture,
  PostureListQuery,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi } from '../../api';

/** The backend's largest page. */
export const MAX_PAGE_SIZE = 500;

/**
 * Every posture the query selects, in its order, read page after page (`limit` 500) by
 * following `nextCursor`; for the CSV export and bulk onboarding, when the user asks. The
 * query's own paging is ignored. Stops on an empty page or a cursor seen before, so a
 * misbehaving backend cannot make it loop, and keeps one posture per entity.
 */
export async function loadMatchingPostures(
  api: Pick<DefenderApisApi, 'listPostures'>,
  query: PostureListQuery,
  pageSize: number = MAX_PAGE_SIZE,
): Promise<ApiPosture[]> {
  const { cursor: _cursor, offset: _offset, limit: _limit, ...filters } = query;
  const byRef = new Map<string, ApiPosture>();
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await api.listPostures({
      ...filters,
      limit: pageSize,
      ...(cursor ? { cursor } : {}),
    });
    for (const posture of page.items) {
      if (!byRef.has(posture.entityRef)) byRef.set(posture.entityRef, posture);
    }
    cursor = page.nextCursor;
    if (!cursor || page.items.length === 0 || seen.has(cursor)) {
      return [...byRef.values()];
    }
    seen.add(cursor);
  }
}
