import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { StoredEntityVersion } from '../database/PostureStore';
import { CatalogSync } from './CatalogSync';

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name, namespace: 'default' },
});

/** A pass over a catalog of `inCatalog` versions and a store of `stored` ones. */
function syncWith(
  inCatalog: Record<string, string | undefined>,
  stored: Record<string, StoredEntityVersion>,
  maxChangedPerPass = 10,
) {
  const catalog = {
    apiVersions: jest.fn(async () => new Map(Object.entries(inCatalog))),
    byRefs: jest.fn(async (refs: string[]) =>
      refs.map(ref => entity(ref.split('/')[1])),
    ),
    domainsOf: jest.fn(async () => new Map<string, string>()),
  };
  const store = {
    entityVersions: jest.fn(async () => new Map(Object.entries(stored))),
    deletePostures: jest.fn(async (refs: string[]) => refs.length),
  };
  const refresher = {
    readChanged: jest.fn(async () => ({} as any)),
    settleClaims: jest.fn(async () => undefined),
  };
  const requestFullRefresh = jest.fn();
  const sync = new CatalogSync({
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    catalog,
    store,
    refresher,
    maxChangedPerPass,
    requestFullRefresh,
  });
  return { sync, catalog, store, refresher, requestFullRefresh };
}

const checked = (version: string | null): StoredEntityVersion => ({
  version,
  claimPending: false,
});

describe('CatalogSync', () => {
  it('reads the new and the changed entities, settles the unchecked ones, and removes those that left', async () => {
    const { sync, catalog, store, refresher } = syncWith(
      {
        'api:default/same': 'v1',
        'api:default/changed': 'v2',
        'api:default/new': 'v1',
        'api:default/pending': 'v1',
        'api:default/no-etag': undefined,
      },
      {
        'api:default/same': checked('v1'),
        'api:default/changed': checked('v1'),
        'api:default/pending': { version: 'v1', claimPending: true },
        'api:default/no-etag': checked(null),
        'api:default/gone': checked('v1'),
      },
    );
    await expect(sync.pass()).resolves.toEqual({
      entities: 5,
      changed: 2,
      settled: 1,
      removed: 1,
      deferred: false,
    });
    expect(catalog.byRefs).toHaveBeenCalledWith(
      ['api:default/changed', 'api:default/new'],
      expect.anything(),
      expect.arrayContaining(['metadata.etag', 'relations']),
    );
    expect(refresher.readChanged).toHaveBeenCalledTimes(1);
    expect(
      (refresher.readChanged.mock.calls[0] as unknown as [Entity[]])[0].map(
        e => e.metadata.name,
      ),
    ).toEqual(['changed', 'new']);
    // A first view's read is as fresh as it gets: its claim is settled, not read again.
    expect(refresher.settleClaims).toHaveBeenCalledWith(
      ['api:default/pending'],
      expect.any(String),
    );
    expect(refresher.settleClaims.mock.invocationCallOrder[0]).toBeGreaterThan(
      refresher.readChanged.mock.invocationCallOrder[0],
    );
    expect(store.deletePostures).toHaveBeenCalledWith(
      ['api:default/gone'],
      expect.any(String),
    );
  });

  it('reads nothing when nothing changed', async () => {
    const { sync, catalog, refresher, store } = syncWith(
      { 'api:default/same': 'v1' },
      { 'api:default/same': checked('v1') },
    );
    expect((await sync.pass()).changed).toBe(0);
    expect(catalog.byRefs).not.toHaveBeenCalled();
    expect(refresher.readChanged).not.toHaveBeenCalled();
    expect(refresher.settleClaims).not.toHaveBeenCalled();
    expect(store.deletePostures).not.toHaveBeenCalled();
  });

  it('leaves more changes than it reads to the full refresh', async () => {
    const { sync, refresher, requestFullRefresh } = syncWith(
      { 'api:default/a': 'v1', 'api:default/b': 'v1', 'api:default/c': 'v1' },
      {},
      2,
    );
    expect(await sync.pass()).toEqual(
      expect.objectContaining({ changed: 3, deferred: true }),
    );
    expect(requestFullRefresh).toHaveBeenCalledTimes(1);
    expect(refresher.readChanged).not.toHaveBeenCalled();
  });

  it('removes nothing when the catalog answers no API entity at all', async () => {
    const { sync, store } = syncWith({}, { 'api:default/a': checked('v1') });
    expect((await sync.pass()).removed).toBe(0);
    expect(store.deletePostures).not.toHaveBeenCalled();
  });
});
