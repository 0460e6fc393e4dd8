/**
 * The shadow API store on SQLite and PostgreSQL: a service's APIs replaced whole, kept when
 * its read fails, dropped with the service; Azure text of any size or content stored.
 */
import { ShadowApi } from '@defender-apis/plugin-defender-apis-common';
import {
  posture,
  storeOn,
  testDatabases,
} from '../__testUtils__/storeFixtures';
import { ResolvedShadowApiQuery } from '../model/shadowApis';
import { ShadowServiceRef } from './ShadowApiStore';

jest.setTimeout(60_000);

const databases = testDatabases('ShadowApiStore');

const SUB = '11111111-1111-1111-1111-111111111111';
const service = (name: string): ShadowServiceRef => ({
  key: `${SUB}/rg/${name}`,
  subscriptionId: SUB,
  name,
});
const API_PREFIX = (svc: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/${svc}/apis/`;

function shadow(svc: string, apiId: string, extra: Partial<ShadowApi> = {}) {
  const resourceId = `${API_PREFIX(svc)}${apiId}`;
  return {
    resourceId,
    subscriptionId: SUB,
    resourceGroup: 'rg',
    serviceName: svc,
    apiId,
    onboarded: false,
    applicable: true,
    portalUrl: `https://portal.azure.com/#resource${resourceId}`,
    readAt: '2026-12-07T09:00:00.000Z',
    ...extra,
  };
}

const ALL: ResolvedShadowApiQuery = {
  sort: 'name',
  order: 'asc',
  offset: 0,
  limit: 100,
};

describe.each(databases.eachSupportedId())('ShadowApiStore on %s', id => {
  it('replaces a service whole, keeps it when its read fails, and forgets unknown services', async () => {
    const { shadowApis } = await storeOn(await databases.init(id));
    const t1 = '2026-12-07T09:00:00.000Z';
    await shadowApis.replaceService(
      service('apim-a'),
      [shadow('apim-a', 'one'), shadow('apim-a', 'two')],
      t1,
    );
    await shadowApis.replaceService(
      service('apim-b'),
      [shadow('apim-b', 'b')],
      t1,
    );
    await shadowApis.replaceService(
      service('apim-a'),
      [shadow('apim-a', 'three')],
      '2026-12-07T10:00:00.000Z',
    );
    let list = await shadowApis.list(ALL);
    expect(list.items.map(a => a.apiId)).toEqual(['b', 'three']);
    expect(list.readAt).toBe('2026-12-07T10:00:00.000Z');

    await shadowApis.recordFailedRead(service('apim-b'), 'Azure said 403');
    list = await shadowApis.list(ALL);
    expect(list.items.map(a => a.apiId)).toEqual(['b', 'three']);
    expect(list.unreadServices).toEqual([
      {
        serviceName: 'apim-b',
        subscriptionId: SUB,
        reason: 'Azure said 403',
        lastReadAt: t1,
      },
    ]);

    await shadowApis.keepServices([service('APIM-A').key]);
    list = await shadowApis.list(ALL);
    expect(list.items.map(a => a.apiId)).toEqual(['three']);
    expect(list.unreadServices).toBeUndefined();
  });

  it('leaves out an API a stored posture claims, whatever the casing or revision', async () => {
    const { shadowApis, postures } = await storeOn(await databases.init(id));
    await shadowApis.replaceService(
      service('apim-a'),
      [shadow('apim-a', 'claimed'), shadow('apim-a', 'free')],
      '2026-12-07T09:00:00.000Z',
    );
    const resourceId = `${API_PREFIX('APIM-A')}CLAIMED;rev=2`;
    await postures.putPostures(
      [
        posture('api:default/claimer', {
          api: {
            resourceId,
            subscriptionId: SUB,
            resourceGroup: 'rg',
            serviceName: 'APIM-A',
            apiId: 'CLAIMED;rev=2',
            portalUrl: `https://portal.azure.com/#resource${resourceId}`,
          },
        }),
      ],
      '2026-12-07T09:00:01.000Z',
    );
    const list = await shadowApis.list(ALL);
    expect(list.items.map(a => a.apiId)).toEqual(['free']);
    expect(list.totalItems).toBe(1);
  });

  it('stores Azure text of hostile size and content, in whole in the document', async () => {
    const { shadowApis } = await storeOn(await databases.init(id));
    const longId = `api-${'x'.repeat(600)}`;
    const hostile = shadow('apim-a', longId, {
      displayName: `Name\u0000 with NUL ${'ü'.repeat(2000)} 😀`,
      apiType: 't'.repeat(300),
      notApplicable: { cause: 'apiType', reason: 'r'.repeat(5000) },
      applicable: false,
    });
    await shadowApis.replaceService(
      { ...service('apim-a'), name: `apim-${'n'.repeat(400)}` },
      [hostile, shadow('apim-a', 'plain')],
      '2026-12-07T09:00:00.000Z',
    );
    const list = await shadowApis.list({ ...ALL, q: 'ÜÜÜ' });
    expect(list.items).toEqual([hostile]);
    expect((await shadowApis.list(ALL)).totalItems).toBe(2);
  });
});
