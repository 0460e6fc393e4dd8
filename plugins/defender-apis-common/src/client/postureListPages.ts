import { PostureList, PostureListQuery } from '../types';
import { DefenderApisApi, DefenderApisRequestOptions } from './DefenderApisApi';

/** The largest page `GET /posture` answers. */
const LARGEST_PAGE = 500;

/**
 * Reads every page of `GET /posture` for the query, in pages of 500 following `nextCursor`,
 * for backend modules that need the whole catalog's postures. Asks for request options (a
 * fresh token) before each page, since a long read may outlive one token. Throws the client's
 * error of a failed page, and stops when the backend answers a cursor it already gave.
 *
 * @public
 */
export async function* postureListPages(
  api: Pick<DefenderApisApi, 'listPostures'>,
  options: {
    query?: Omit<PostureListQuery, 'cursor' | 'offset' | 'limit'>;
    requestOptions: () => Promise<DefenderApisRequestOptions>;
  },
): AsyncGenerator<PostureList> {
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await api.listPostures(
      { ...options.query, limit: LARGEST_PAGE, cursor },
      await options.requestOptions(),
    );
    yield page;
    if (!page.nextCursor) return;
    if (seenCursors.has(page.nextCursor)) {
      throw new Error(
        `GET /posture answered the cursor ${page.nextCursor} twice; stopped reading`,
      );
    }
    seenCursors.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
