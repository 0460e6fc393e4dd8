import { notOnboardedPosture, posture } from '../../__testUtils__/postures';
import { toPostureRow } from './rows';

describe('toPostureRow', () => {
  it('flattens a protected posture into what the table shows', () => {
    const row = toPostureRow(
      posture({
        owners: ['group:default/team-payments', 'user:default/jane'],
        domain: 'domain:default/commerce',
      }),
    );
    expect(row).toMatchObject({
      entityRef: 'api:default/petstore',
      name: 'Petstore API',
      status: 'protected',
      statusLabel: 'Protected',
      owners: ['group:default/team-payments', 'user:default/jane'],
      system: 'system:default/payments',
      domain: 'domain:default/commerce',
      lifecycle: 'production',
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

  it('prefers the entity title, then the APIM display name, then the entity name', () => {
    expect(toPostureRow(posture({ title: 'Pets' })).name).toBe('Pets');
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

  it('takes the owners from the posture', () => {
    expect(toPostureRow(posture({ owners: [] })).owners).toEqual([]);
    expect(
      toPostureRow(
        posture({
          owners: ['group:default/team-orders'],
        }),
      ).owners,
    ).toEqual(['group:default/team-orders']);
  });
});
