import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import { posture } from '../../__testUtils__/postures';
import { fakeListPostures } from '../../__testUtils__/fakePostureList';
import { loadMatchingPostures, MAX_PAGE_SIZE } from './loadMatchingPostures';

function postures(count: number): ApiPosture[] {
  return Array.from({ length: count }, (_, i) =>
    posture({ entityRef: `api:default/api-${String(i).padStart(4, '0')}` }),
  );
}

describe('loadMatchingPostures', () => {
  it('reads pages of 500 with the same filters, following the cursor until the last page', async () => {
    const all = postures(1203);
    const listPostures = fakeListPostures(all);

    const result = await loadMatchingPostures(
      { listPostures },
      { status: ['protected'], q: 'api', sort: 'name', order: 'asc' },
    );

    expect(result.map(p => p.entityRef)).toEqual(all.map(p => p.entityRef));
    const filters = {
      status: ['protected'],
      q: 'api',
      sort: 'name',
      order: 'asc',
    };
    expect(listPostures.mock.calls.map(([q]) => q)).toEqual([
      { ...filters, limit: MAX_PAGE_SIZE },
      { ...filters, limit: MAX_PAGE_SIZE, cursor: '500' },
      { ...filters, limit: MAX_PAGE_SIZE, cursor: '1000' },
    ]);
  });

  it("ignores the query's own paging", async () => {
    const listPostures = fakeListPostures(postures(3));
    await loadMatchingPostures(
      { listPostures },
      { owner: ['group:default/x'], offset: 40, limit: 20, cursor: 'old' },
    );
    expect(listPostures).toHaveBeenCalledWith({
      owner: ['group:default/x'],
      limit: MAX_PAGE_SIZE,
    });
  });

  it('reads once when everything fits in one page, and once when nothing matches', async () => {
    const listPostures = fakeListPostures(postures(3));
    expect(await loadMatchingPostures({ listPostures }, {})).toHaveLength(3);
    expect(listPostures).toHaveBeenCalledTimes(1);

    const empty = fakeListPostures(postures(3));
    expect(
      await loadMatchingPostures({ listPostures: empty }, { q: 'nothing' }),
    ).toEqual([]);
    expect(empty).toHaveBeenCalledTimes(1);
  });

  it('stops on an empty page or on a cursor it has already followed', async () => {
    const [a, b] = postures(2);
    const emptyPage = {
      listPostures: jest
        .fn()
        .mockResolvedValueOnce({
          items: [a],
          totalItems: 9,
          limit: 1,
          nextCursor: 'x',
        })
        .mockResolvedValue({
          items: [],
          totalItems: 9,
          limit: 1,
          nextCursor: 'y',
        }),
    };
    expect(await loadMatchingPostures(emptyPage, {}, 1)).toEqual([a]);
    expect(emptyPage.listPostures).toHaveBeenCalledTimes(2);

    const sameCursor = {
      listPostures: jest.fn(async () => ({
        items: [a, b],
        totalItems: 9,
        limit: 2,
        nextCursor: 'again',
      })),
    };
    expect(await loadMatchingPostures(sameCursor, {}, 2)).toEqual([a, b]);
    expect(sameCursor.listPostures).toHaveBeenCalledTimes(2);
  });

  it('keeps one posture per entity if an API shows up on two pages', async () => {
    const [a, b, c] = postures(3);
    const pages = [{ items: [a, b], nextCursor: '1' }, { items: [b, c] }];
    const api = {
      listPostures: jest.fn(async ({ cursor }: { cursor?: string }) => ({
        ...pages[cursor ? Number(cursor) : 0],
        totalItems: 3,
        limit: 2,
      })),
    };

    const result = await loadMatchingPostures(api, {}, 2);
    expect(result).toEqual([a, b, c]);
  });

  it('passes a failure on', async () => {
    const api = {
      listPostures: jest.fn().mockRejectedValue(new Error('backend down')),
    };
    await expect(loadMatchingPostures(api, {})).rejects.toThrow('backend down');
  });
});
