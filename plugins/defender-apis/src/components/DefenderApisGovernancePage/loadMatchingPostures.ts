import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi } from '../../api';

/** The backend's largest page. */
export const MAX_PAGE_SIZE = 500;

/**
 * Every posture the caller may see, read page after page (`limit` 500) until `totalItems`
 * are in. Stops early if a page comes back empty, so a list that shrinks while it is read
 * cannot loop forever, and keeps one posture per entity if the list shifts between pages.
 */
export async function loadAllPostures(
  api: Pick<DefenderApisApi, 'listPostures'>,
  pageSize: number = MAX_PAGE_SIZE,
): Promise<ApiPosture[]> {
  const byRef = new Map<string, ApiPosture>();
  let offset = 0;
  for (;;) {
    const page = await api.listPostures({ offset, limit: pageSize });
    for (const posture of page.items) byRef.set(posture.entityRef, posture);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.totalItems) {
      return [...byRef.values()];
    }
  }
}
