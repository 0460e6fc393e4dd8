import { mockServices } from '@backstage/backend-test-utils';
import { DefenderApisReadings } from './DefenderApisReadings';

const BASE_URL = 'http://backstage.test/api/defender-apis';

function setup(answer: () => Response) {
  const fetchSpy = jest
    .spyOn(globalThis, 'fetch')
    .mockImplementation(async () => answer());
  let now = 0;
  const readings = new DefenderApisReadings({
    discovery: mockServices.discovery.mock({
      getBaseUrl: async () => BASE_URL,
    }),
    auth: mockServices.auth(),
    maxAgeMs: 60_000,
    now: () => now,
  });
  return {
    readings,
    fetchSpy,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const page = () =>
  new Response(
    JSON.stringify({
      items: [
        {
          entityRef: 'api:default/Payments',
          status: 'atRisk',
          owners: [],
          endpoints: { total: 3, unauthenticated: 1 },
          alerts: { active: 2, bySeverity: { high: 2 }, items: [] },
          recommendations: [],
          stale: false,
        },
      ],
      totalItems: 1,
      limit: 500,
    }),
    { headers: { 'content-type': 'application/json' } },
  );

afterEach(() => jest.restoreAllMocks());

describe('DefenderApisReadings', () => {
  it('keeps what the metrics need, found by any case of the entity ref', async () => {
    const { readings } = setup(page);
    await expect(readings.api('API:default/payments')).resolves.toEqual({
      status: 'atRisk',
      reason: undefined,
      unauthenticatedEndpoints: 1,
      activeHighAlerts: 2,
    });
    await expect(readings.api('api:default/other')).resolves.toBeUndefined();
  });

  it('reads once for concurrent and later callers, and again once the reading is a minute old', async () => {
    const { readings, fetchSpy, advance } = setup(page);
    await Promise.all([
      readings.api('api:default/payments'),
      readings.api('api:default/payments'),
    ]);
    advance(59_999);
    await readings.api('api:default/payments');
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    advance(1);
    await readings.api('api:default/payments');
    expect(fetchSpy).toHaveBeenCalledTimes(2);
  });

  it('keeps a failed reading as long as a good one, then reads again', async () => {
    const { readings, fetchSpy, advance } = setup(
      () => new Response('unavailable', { status: 503 }),
    );
    await expect(readings.api('api:default/payments')).rejects.toThrow(
      'Defender for APIs scorecard metrics: GET /api/defender-apis/posture failed with status 503',
    );
    await expect(readings.api('api:default/payments')).rejects.toThrow();
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    advance(60_000);
    await expect(readings.api('api:default/payments')).rejects.toThrow();
    expect(fetchSpy).toHaveBeenCalledTimes(2);
  });
});
