import { Entity } from '@backstage/catalog-model';
import { POSTURE_STATUSES } from '@defender-apis/plugin-defender-apis-common';
import { notOnboardedPosture, posture } from '../../__testUtils__/postures';
import {
  catalogInfoByRef,
  filterRows,
  rowMatchesSearch,
  STATUS_RANK,
  toPostureRow,
  toPostureRows,
} from './rows';

function apiEntity(
  name: string,
  extra: Partial<Entity['metadata']> = {},
  owners: string[] = [],
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name, namespace: 'default', ...extra },
    relations: [
      ...owners.map(targetRef => ({ type: 'ownedBy', targetRef })),
      { type: 'partOf', targetRef: 'system:default/payments' },
    ],
  };
}

describe('toPostureRow', () => {
  it('flattens a protected posture into what the table shows', () => {
    const row = toPostureRow(posture(), {
      owners: ['group:default/team-payments'],
    });
    expect(row).toMatchObject({
      entityRef: 'api:default/petstore',
      name: 'Petstore API',
      status: 'protected',
      statusLabel: 'Protected',
      owners: ['group:default/team-payments'],
      ownersText: 'team-payments',
      serviceName: 'contoso-apim',
      apiId: 'petstore-api',
      endpointsTotal: 14,
      unauthenticated: 0,
      sensitiveDataExposed: 3,
      activeAlerts: 0,
      highAlerts: 0,
      openRecommendations: 0,
      plan: 'On P1',
      stale: false,
    });
  });

  it('prefers the catalog title, then the APIM display name, then the entity name', () => {
    expect(toPostureRow(posture(), { title: 'Pets', owners: [] }).name).toBe(
      'Pets',
    );
    expect(toPostureRow(posture()).name).toBe('Petstore API');
    expect(toPostureRow(posture({ api: undefined })).name).toBe('petstore');
  });

  it('says Off for a plan that is off, On without a sub-plan, and nothing without a plan', () => {
    expect(toPostureRow(posture({ plan: { enabled: false } })).plan).toBe(
      'Off',
    );
    expect(toPostureRow(posture({ plan: { enabled: true } })).plan).toBe('On');
    expect(toPostureRow(posture({ plan: undefined })).plan).toBeUndefined();
  });

  it('shows no endpoint counts while awaiting data, nor for an API not onboarded', () => {
    const awaiting = toPostureRow(
      posture({
        status: 'awaitingData',
        endpoints: {
          total: 0,
          unauthenticated: 0,
          inactive: 0,
          external: 0,
          sensitiveDataExposed: 0,
        },
      }),
    );
    expect(awaiting.unauthenticated).toBeUndefined();
    expect(awaiting.endpointsTotal).toBeUndefined();
    expect(
      toPostureRow(notOnboardedPosture()).sensitiveDataExposed,
    ).toBeUndefined();
  });

  it('falls back to the owners the posture carries without catalog info', () => {
    expect(toPostureRow(posture()).owners).toEqual([
      'group:default/team-payments',
    ]);
    expect(toPostureRow(posture({ access: undefined })).owners).toEqual([]);
  });
});

describe('STATUS_RANK', () => {
  it('ranks every status, at risk first and not applicable last', () => {
    const ranks = POSTURE_STATUSES.map(s => STATUS_RANK[s]);
    expect(new Set(ranks).size).toBe(POSTURE_STATUSES.length);
    expect(Math.min(...ranks)).toBe(STATUS_RANK.atRisk);
    expect(Math.max(...ranks)).toBe(STATUS_RANK.notApplicable);
    expect(ranks.every(r => r >= 0)).toBe(true);
  });
});

describe('catalogInfoByRef and toPostureRows', () => {
  it('matches catalog entities to postures case-insensitively and keeps only ownedBy relations', () => {
    const info = catalogInfoByRef([
      apiEntity('PetStore', { title: 'Pets' }, ['group:default/team-payments']),
      undefined,
    ]);
    const [row] = toPostureRows(
      [posture({ entityRef: 'api:default/petstore' })],
      info,
    );
    expect(row.name).toBe('Pets');
    expect(row.owners).toEqual(['group:default/team-payments']);
  });
});

describe('search and filters', () => {
  const rows = toPostureRows(
    [
      posture({ entityRef: 'api:default/petstore' }),
      notOnboardedPosture({
        entityRef: 'api:default/orders',
        api: {
          ...posture().api!,
          serviceName: 'orders-apim',
          apiId: 'orders',
          displayName: 'Orders',
        },
      }),
    ],
    catalogInfoByRef([
      apiEntity('petstore', {}, ['group:default/team-payments']),
      apiEntity('orders', {}, ['group:ops/team-orders']),
    ]),
  );

  it('searches name, ref, status, owners, service and API id, ignoring case and spaces around', () => {
    const names = (search: string) =>
      rows.filter(r => rowMatchesSearch(r, search)).map(r => r.entityRef);
    expect(names('  PETSTORE ')).toEqual(['api:default/petstore']);
    expect(names('unprotected')).toEqual(['api:default/orders']);
    expect(names('ops/team-orders')).toEqual(['api:default/orders']);
    expect(names('orders-apim')).toEqual(['api:default/orders']);
    expect(names('api:default/')).toHaveLength(2);
    expect(names('')).toHaveLength(2);
    expect(names('nothing like it')).toEqual([]);
  });

  it('filters by status, by owner ref (exactly, any case) and by search together', () => {
    expect(
      filterRows(rows, { status: 'notOnboarded' }).map(r => r.name),
    ).toEqual(['Orders']);
    expect(
      filterRows(rows, { owner: 'GROUP:default/team-payments' }).map(
        r => r.name,
      ),
    ).toEqual(['Petstore API']);
    expect(filterRows(rows, { owner: 'group:default/team' })).toEqual([]);
    expect(filterRows(rows, { status: 'protected', search: 'orders' })).toEqual(
      [],
    );
    expect(filterRows(rows, {})).toHaveLength(2);
  });
});
