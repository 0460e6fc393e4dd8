import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { durationToMilliseconds } from '@backstage/types';
import { readDefenderApisConfig } from './config';

const read = (defenderApis: object) =>
  readDefenderApisConfig(new ConfigReader({ defenderApis }));
const service = {
  name: 'apim',
  subscriptionId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: 'rg',
};

describe('readDefenderApisConfig', () => {
  it('applies the documented defaults', () => {
    expect(readDefenderApisConfig(new ConfigReader({}))).toEqual({
      resourceManagerEndpoint: 'https://management.azure.com',
      credential: { type: 'default' },
      requestTimeout: { seconds: 60 },
      services: [],
      refreshFrequency: { minutes: 30 },
      refreshTimeout: { minutes: 10 },
      maxServiceReadsPerRefresh: 20,
      maxConcurrentOnboardingsPerService: 1,
      maxQueuedOnboardingsPerUser: 20,
      maxOpenBatchesPerUser: 5,
      maxBatchedPerUser: 2000,
      notificationKinds: new Set([
        'newHighAlert',
        'atRisk',
        'riskyEndpoints',
        'stale',
        'onboarding',
      ]),
      notificationStaleAfter: { days: 1 },
      subscriptions: [],
      onboardingTimeout: { minutes: 15 },
      onboardingPace: { seconds: 60 },
      batchRetention: { days: 30 },
      planEntitlements: {
        P1: 1000000,
        P2: 5000000,
        P3: 50000000,
        P4: 100000000,
        P5: 1000000000,
      },
      historyDays: 90,
      readVia: 'resourceGraph',
    });
  });

  it('reads azure.readVia and refuses anything but resourceGraph or arm', () => {
    expect(read({ azure: { readVia: 'arm' } }).readVia).toBe('arm');
    expect(() => read({ azure: { readVia: 'graph' } })).toThrow(
      /defenderApis\.azure\.readVia: expected 'resourceGraph' or 'arm', found "graph"/,
    );
  });

  it.each([0, 3651, 1.5, 'ninety'])(
    'refuses history.days of %j, naming the key and what it takes',
    days => {
      expect(() =>
        readDefenderApisConfig(
          new ConfigReader({ defenderApis: { history: { days } } }),
        ),
      ).toThrow(/defenderApis\.history\.days/);
    },
  );

  it('reads the batch retention in the string form', () => {
    const retention = read({
      onboarding: { batchRetention: '10d' },
    }).batchRetention;
    expect(durationToMilliseconds(retention)).toBe(10 * 24 * 60 * 60 * 1000);
  });

  it('overrides plan entitlements one by one', () => {
    expect(
      read({ planEntitlements: { P1: 2000000 } }).planEntitlements,
    ).toEqual({
      P1: 2000000,
      P2: 5000000,
      P3: 50000000,
      P4: 100000000,
      P5: 1000000000,
    });
  });

  it('normalises the endpoint and reads services, credential and schedule', () => {
    const config = read({
      azure: {
        resourceManagerEndpoint: 'https://localhost:8443/',
        credential: { type: 'emulator' },
      },
      apiManagement: { services: [service] },
      refresh: { frequency: { minutes: 5 } },
      onboarding: { maxConcurrentPerService: 3 },
    });
    expect(config.resourceManagerEndpoint).toBe('https://localhost:8443');
    expect(config.credential).toEqual({ type: 'emulator' });
    expect(config.services).toEqual([service]);
    expect(config.refreshFrequency).toEqual({ minutes: 5 });
    expect(config.maxConcurrentOnboardingsPerService).toBe(3);
  });

  it('reads allowedOwners as lower-cased full entity refs', () => {
    const config = read({
      apiManagement: {
        services: [
          { ...service, allowedOwners: ['group:Team-Payments', 'user:ops/jo'] },
        ],
      },
    });
    expect(config.services[0].allowedOwners).toEqual([
      'group:default/team-payments',
      'user:ops/jo',
    ]);
  });

  it.each([
    [
      { azure: { resourceManagerEndpoint: 'http://management.azure.com' } },
      'defenderApis.azure.resourceManagerEndpoint: expected an https URL',
    ],
    [
      { azure: { credential: { type: 'emulator' } } },
      'defenderApis.azure.credential.type: expected a real credential',
    ],
    [
      { azure: { credential: { type: 'password' } } },
      'expected one of default, clientSecret, managedIdentity, emulator, found "password"',
    ],
    [
      { azure: { credential: { type: 'clientSecret', tenantId: 't' } } },
      'defenderApis.azure.credential.clientId',
    ],
    [
      { apiManagement: { services: [{ ...service, subscriptionId: 'prod' }] } },
      'defenderApis.apiManagement.services[0].subscriptionId: expected a subscription id (a GUID), found "prod"',
    ],
    [
      {
        apiManagement: {
          services: [{ name: 'x', subscriptionId: service.subscriptionId }],
        },
      },
      'resourceGroup',
    ],
    [
      {
        apiManagement: {
          services: [{ ...service, allowedOwners: ['component:default/x'] }],
        },
      },
      'defenderApis.apiManagement.services[0].allowedOwners[0]: expected an entity ref of a group or user, e.g. group:default/team-payments, found "component:default/x"',
    ],
    [
      { refresh: { frequency: 'soon' } },
      'defenderApis.refresh.frequency: expected a duration such as 30m, PT30M or { minutes: 30 }, found "soon"',
    ],
    [
      { onboarding: { maxConcurrentPerService: 0 } },
      'defenderApis.onboarding.maxConcurrentPerService: expected a whole number of at least 1, found 0',
    ],
    [
      { refresh: { maxServiceReads: 0 } },
      'defenderApis.refresh.maxServiceReads: expected a whole number of at least 1, found 0',
    ],
    [
      { onboarding: { maxQueuedPerUser: 2.5 } },
      'defenderApis.onboarding.maxQueuedPerUser: expected a whole number of at least 1, found 2.5',
    ],
    [
      { planEntitlements: { P2: '5M' } },
      'defenderApis.planEntitlements.P2: expected a whole number of API calls per month, at least 1, found "5M"',
    ],
    [
      { planEntitlements: { P6: 1 } },
      'defenderApis.planEntitlements.P6: expected one of the plans P1, P2, P3, P4, P5, found "P6"',
    ],
  ])('fails start-up naming the key for %j', (value, message) => {
    expect(() => read(value)).toThrow(message);
  });
});

describe('subscriptions whose services are listed', () => {
  it('reads each with its tenant and allowed owners, and says what a bad id is', () => {
    expect(
      read({
        apiManagement: {
          subscriptions: [
            {
              subscriptionId: service.subscriptionId,
              tenantId: '22222222-2222-2222-2222-222222222222',
              allowedOwners: ['group:team-a'],
            },
          ],
        },
      }).subscriptions,
    ).toEqual([
      {
        subscriptionId: service.subscriptionId,
        tenantId: '22222222-2222-2222-2222-222222222222',
        allowedOwners: ['group:default/team-a'],
      },
    ]);
    expect(() =>
      read({ apiManagement: { subscriptions: [{ subscriptionId: 'prod' }] } }),
    ).toThrow(
      'Invalid configuration at defenderApis.apiManagement.subscriptions[0].subscriptionId: expected a subscription id (a GUID), found "prod"',
    );
  });
});

describe('notification switches', () => {
  it('turns off one kind, or all of them', () => {
    expect([
      ...read({ notifications: { atRisk: false } }).notificationKinds,
    ]).toEqual(['newHighAlert', 'riskyEndpoints', 'stale', 'onboarding']);
    expect(
      read({ notifications: { enabled: false, atRisk: true } })
        .notificationKinds.size,
    ).toBe(0);
  });

  it('says what a switch that is not true or false is', () => {
    expect(() => read({ notifications: { atRisk: 'no' } })).toThrow(
      'Invalid configuration at defenderApis.notifications.atRisk: expected true or false, found "no"',
    );
  });
});

describe('durations in the committed app-config', () => {
  it('are replaced whole by an override in either form', async () => {
    const repoRoot = path.resolve(__dirname, '../../..');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'defender-apis-config-'));
    const override = path.join(dir, 'app-config.override.yaml');
    const load = async (frequency: string) => {
      fs.writeFileSync(
        override,
        `defenderApis:\n  refresh:\n    frequency: ${frequency}\n`,
      );
      const { appConfigs } = await loadConfig({
        configRoot: repoRoot,
        configTargets: [
          { path: path.join(repoRoot, 'app-config.yaml') },
          { path: override },
        ],
      });
      return readDefenderApisConfig(ConfigReader.fromConfigs(appConfigs))
        .refreshFrequency;
    };
    try {
      expect(await load('{ seconds: 5 }')).toEqual({ seconds: 5 });
      expect(await load('10s')).toEqual({ seconds: 10 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
