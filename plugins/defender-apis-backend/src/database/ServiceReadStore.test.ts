/**
 * The service read store on SQLite and PostgreSQL: lists and metrics kept apart and replaced,
 * services forgotten, Azure text of any size or content stored, and a key Azure made too long
 * to keep apart read again rather than mixed up.
 */
import { storeOn, testDatabases } from '../__testUtils__/storeFixtures';

jest.setTimeout(60_000);

const databases = testDatabases('ServiceReadStore');
const SUB = '11111111-1111-1111-1111-111111111111';
const key = (name: string) => `${SUB}/rg/${name}`;
const api = (name: string, displayName?: string) => ({
  id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/apis/${name}`,
  name,
  ...(displayName ? { displayName } : {}),
});

describe.each(databases.eachSupportedId())('ServiceReadStore on %s', id => {
  const storeOnDatabase = async () =>
    (await storeOn(await databases.init(id))).serviceReads;

  it('keeps each service’s last list and metric, each replaced by the next read', async () => {
    const store = await storeOnDatabase();
    await store.putListing(key('a'), {
      skuName: 'Developer',
      apis: [api('orders')],
      listedAt: '2026-12-08T01:00:00.000Z',
    });
    await store.putTraffic(key('a'), {
      requestsLast30Days: 12_345_678_901,
      readAt: '2026-12-08T01:00:01.000Z',
    });
    await store.putTraffic(key('b'), {
      requestsLast30Days: 7,
      readAt: '2026-12-08T01:00:02.000Z',
    });
    await store.putListing(key('a'), {
      apis: [api('orders'), api('carts')],
      listedAt: '2026-12-08T02:00:00.000Z',
    });
    const all = await store.readAll();
    expect(all.get(key('a'))).toEqual({
      listing: {
        apis: [api('orders'), api('carts')],
        listedAt: '2026-12-08T02:00:00.000Z',
      },
      traffic: {
        requestsLast30Days: 12_345_678_901,
        readAt: '2026-12-08T01:00:01.000Z',
      },
    });
    expect(all.get(key('b'))).toEqual({
      traffic: { requestsLast30Days: 7, readAt: '2026-12-08T01:00:02.000Z' },
    });

    await store.keepServices([key('b')]);
    expect([...(await store.readAll()).keys()]).toEqual([key('b')]);
  });

  it('stores Azure text of any size and content, and reads a too-long key again rather than mix two up', async () => {
    const store = await storeOnDatabase();
    const hostile = `${'Ω'.repeat(20_000)}\u0000"'\\\ud83d\ude00`;
    await store.putListing(key('svc'), {
      skuName: hostile,
      apis: [api('orders', hostile)],
      listedAt: '2026-12-08T01:00:00.000Z',
    });
    const stored = (await store.readAll()).get(key('svc'))!.listing!;
    // Compared as booleans: a failure would print 20,000 characters.
    expect(stored.apis[0].displayName === hostile).toBe(true);
    expect(stored.skuName === hostile).toBe(true);

    // Two keys of 600 characters that share their first 512 share one row: the later read
    // wins, and the other key has nothing stored (so a refresh reads it).
    const long = (tail: string) => key(`${'s'.repeat(600)}${tail}`);
    await store.putListing(long('1'), {
      apis: [api('one')],
      listedAt: '2026-12-08T01:00:00.000Z',
    });
    await store.putListing(long('2'), {
      apis: [api('two')],
      listedAt: '2026-12-08T01:00:00.000Z',
    });
    const all = await store.readAll();
    expect(all.get(long('2'))?.listing?.apis).toEqual([api('two')]);
    expect(all.get(long('1'))).toBeUndefined();
  });
});
