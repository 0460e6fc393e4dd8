import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  ApiPosture,
  emptyAlerts,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import { Request } from 'express';
import { apiEntity as harnessApiEntity } from '../__testUtils__/harness';
import { storeOn, testDatabases } from '../__testUtils__/storeFixtures';
import { OnboardingRequests } from './OnboardingRequests';

/** An API entity of team-payments; the postures below say what Azure knows of it. */
const apiEntity = (name: string) => harnessApiEntity(name, undefined);

jest.setTimeout(60_000);

const databases = testDatabases('OnboardingRequests');
const paula = mockCredentials.user('user:default/paula');
const request = {} as Request;

function posture(
  name: string,
  status: PostureStatus,
  extra: Partial<ApiPosture> = {},
): ApiPosture {
  return {
    entityRef: `api:default/${name}`,
    status,
    reason: `because of ${status}`,
    owners: ['group:default/team-payments'],
    api: {
      resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc/apis/${name}`,
      subscriptionId: 's',
      resourceGroup: 'rg',
      serviceName: 'svc',
      apiId: name,
      portalUrl: 'https://portal.azure.com/',
    },
    alerts: emptyAlerts(),
    recommendations: [],
    stale: false,
    ...extra,
  } as ApiPosture;
}

async function requestsOn(
  id: Parameters<typeof databases.init>[0],
  options: {
    postures: Record<string, ApiPosture>;
    canOnboard?: boolean;
    maxQueuedPerUser?: number;
  },
) {
  const stores = await storeOn(await databases.init(id));
  const worker = { drain: jest.fn() };
  const auditEvents: string[] = [];
  const byName = (entity: Entity) => options.postures[entity.metadata.name];
  const postures = {
    getPosture: jest.fn(async (entity: Entity) => byName(entity)),
    reread: jest.fn(async (entity: Entity) => byName(entity)),
    // Callers here may read every entity.
    seenBy: async (seen: ApiPosture) => seen,
  };
  const requests = new OnboardingRequests({
    auditor: mockServices.auditor.mock({
      createEvent: async () => ({
        success: async (o?: { meta?: { outcome?: string } }) => {
          auditEvents.push(`success:${o?.meta?.outcome}`);
        },
        fail: async ({ error }: { error: Error }) => {
          auditEvents.push(`fail:${error.name}`);
        },
      }),
    }),
    logger: mockServices.logger.mock(),
    catalog: { byRefs: async () => [] },
    queue: stores.onboardingQueue,
    postures,
    access: {
      decide: async (refs: string[]) =>
        refs.map(
          () => () => options.canOnboard ?? true ? 'ownership' : undefined,
        ),
      mayCancelAnyBatch: async () => false,
    },
    limits: {
      maxActive: options.maxQueuedPerUser ?? 5,
      maxOpenBatches: 5,
      maxBatched: 2000,
    },
    directory: { services: async () => [] },
    worker,
  });
  return {
    requests,
    worker,
    auditEvents,
    postures,
    queue: stores.onboardingQueue,
  };
}

describe.each(databases.eachSupportedId())('OnboardingRequests on %s', id => {
  it('queues an API of its owner once, wakes the worker and audits the outcome', async () => {
    const { requests, worker, auditEvents, queue } = await requestsOn(id, {
      postures: { wallet: posture('wallet', 'notOnboarded') },
    });
    const first = await requests.request(apiEntity('wallet'), paula, request);
    const second = await requests.request(apiEntity('wallet'), paula, request);
    expect([first.started, second.started]).toEqual([true, false]);
    expect(worker.drain).toHaveBeenCalledTimes(2);
    expect(auditEvents).toEqual(['success:queued', 'success:alreadyQueued']);
    const queued = await queue.getOnboarding(
      posture('wallet', 'notOnboarded').api!.resourceId.toLowerCase(),
    );
    expect(queued).toEqual(
      expect.objectContaining({
        state: 'queued',
        requestedBy: 'user:default/paula',
        entityRef: 'api:default/wallet',
      }),
    );
  });

  it.each([
    ['unmapped', 400, 'is not mapped'],
    ['conflict', 409, 'cannot be onboarded'],
    ['notApplicable', 409, 'cannot be onboarded'],
    ['planDisabled', 409, 'cannot be onboarded'],
    ['error', 503, 'is unknown'],
  ] as const)(
    'refuses a %s API with %s and the reason, and queues nothing',
    async (status, code, message) => {
      const { requests, worker, auditEvents, queue } = await requestsOn(id, {
        postures: { a: posture('a', status) },
      });
      const refused = requests.request(apiEntity('a'), paula, request);
      await expect(refused).rejects.toMatchObject({
        message: expect.stringContaining(message),
      });
      const error = await refused.catch(e => e);
      expect(error.message).toContain(`because of ${status}`);
      expect(
        {
          400: 'InputError',
          409: 'ConflictError',
          503: 'ServiceUnavailableError',
        }[code],
      ).toBe(error.name);
      expect(worker.drain).not.toHaveBeenCalled();
      expect(auditEvents).toEqual([`fail:${error.name}`]);
      expect(
        await queue.getOnboarding(
          posture('a', status).api!.resourceId.toLowerCase(),
        ),
      ).toBeUndefined();
    },
  );

  it('refuses whom the access decision refuses, before reading the posture', async () => {
    const { requests, postures } = await requestsOn(id, {
      postures: { a: posture('a', 'notOnboarded') },
      canOnboard: false,
    });
    await expect(
      requests.request(apiEntity('a'), paula, request),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(postures.getPosture).not.toHaveBeenCalled();
  });

  it('answers 429 once a user has maxQueuedPerUser onboardings queued', async () => {
    const { requests } = await requestsOn(id, {
      postures: {
        a: posture('a', 'notOnboarded'),
        b: posture('b', 'notOnboarded'),
      },
      maxQueuedPerUser: 1,
    });
    await requests.request(apiEntity('a'), paula, request);
    const over = await requests
      .request(apiEntity('b'), paula, request)
      .catch(e => e);
    expect(over).toMatchObject({ statusCode: 429 });
    expect(over.message).toContain('already has 1 onboardings queued');
  });

  it('reads the posture again when an onboarding of its API finished after it was read', async () => {
    const stale = posture('a', 'notOnboarded', {
      refreshedAt: '2026-12-06T09:00:00.000Z',
      onboarding: {
        state: 'succeeded',
        requestedAt: '2026-12-06T09:05:00.000Z',
        finishedAt: '2026-12-06T09:10:00.000Z',
      },
    });
    const { requests, worker, postures } = await requestsOn(id, {
      postures: { a: stale },
    });
    const fresh = posture('a', 'awaitingData');
    postures.reread.mockResolvedValueOnce(fresh);
    const result = await requests.request(apiEntity('a'), paula, request);
    expect(result).toEqual({ started: false, posture: fresh });
    expect(worker.drain).not.toHaveBeenCalled();
  });
});
