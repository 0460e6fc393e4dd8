import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import { posture } from '../../__testUtils__/postures';
import { loadAllPostures, MAX_PAGE_SIZE } from './loadAllPostures';

function postures(count: number): ApiPosture[] {
  return Array.from({ length: count }, (_, i) =>
    posture({ entityRef: `api:default/api-${i}` }),
  );
}

/** A backend that pages `all` as the real one does. */
function pagingApi(all: ApiPosture[]) {
  return {
    listPostures: jest.fn(
      async (query: { offset?: number; limit?: number } = {}) => {
        const offset = query.offset ?? 0;
        const limit = query.limit ?? 100;
        return {
          items: all.slice(offset, offset + limit),
          totalItems: all.length,
          offset,
          limit,
        };
      },
    ),
  };
}

describe('loadAllPostures', () => {
  it('reads pages of 500 until every posture is in', async () => {
    const all = postures(1203);
    const api = pagingApi(all);

    const result = await loadAllPostures(api);

    expect(result.map(p => p.entityRef)).toEqual(all.map(p => p.entityRef));
    expect(api.listPostures.mock.calls.map(([q]) => q)).toEqual([
      { offset: 0, limit: MAX_PAGE_SIZE },
      { offset: 500, limit: MAX_PAGE_SIZE },
      { offset: 1000, limit: MAX_PAGE_SIZE },
    ]);
  });

  it('reads once when everything fits in one page, and once when there is nothing', async () => {
    const api = pagingApi(postures(3));
    expect(await loadAllPostures(api)).toHaveLength(3);
    expect(api.listPostures).toHaveBeenCalledTimes(1);

    const empty = pagingApi([]);
    expect(await loadAllPostures(empty)).toEqual([]);
    expect(empty.listPostures).toHaveBeenCalledTimes(1);
  });

  it('stops when a page comes back empty before the total is reached', async () => {
    const api = {
      listPostures: jest.fn(async ({ offset = 0 }: { offset?: number }) => ({
        items: offset === 0 ? postures(2) : [],
        totalItems: 10,
        offset,
        limit: 2,
      })),
    };

    expect(await loadAllPostures(api, 2)).toHaveLength(2);
    expect(api.listPostures).toHaveBeenCalledTimes(2);
  });

  it('keeps one posture per entity when the list shifts between pages', async () => {
    const [a, b, c] = postures(3);
    const pages = [
      [a, b],
      [b, c],
    ];
    const api = {
      listPostures: jest.fn(async ({ offset = 0 }: { offset?: number }) => ({
        items: pages[offset / 2] ?? [],
        totalItems: 4,
        offset,
        limit: 2,
      })),
    };

    const result = await loadAllPostures(api, 2);
    expect(result.map(p => p.entityRef)).toEqual([
      a.entityRef,
      b.entityRef,
      c.entityRef,
    ]);
  });

  it('passes a failure on', async () => {
    const api = {
      listPostures: jest.fn().mockRejectedValue(new Error('backend down')),
    };
    await expect(loadAllPostures(api)).rejects.toThrow('backend down');
  });
});
