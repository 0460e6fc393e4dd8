/**
 * Notifications to owners through the real notifications backend, in one test backend with
 * the whole plugin against the ARM emulator: what a refresh finds and what an onboarding ends
 * with reach the members of the API's owner group, once per entity and kind.
 */
import { Entity } from '@backstage/catalog-model';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import {
  asUser,
  demoEntities,
  eventually,
  PluginHarness,
  startHarness,
} from './__testUtils__/harness';

/** A group whose members the notifications backend resolves, and its member users. */
function team(name: string, members: string[]): Entity[] {
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: members.map(member => ({
        type: 'hasMember',
        targetRef: `user:default/${member}`,
      })),
    },
    ...members.map(member => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: member, namespace: 'default' },
      spec: { memberOf: [`group:default/${name}`] },
    })),
  ];
}

/** The notifications backend links notifications into the app. */
const APP = { app: { baseUrl: 'http://localhost:3000' } };

type Sent = {
  origin: string;
  user: string;
  payload: {
    title: string;
    description?: string;
    link?: string;
    severity: string;
    topic?: string;
    scope?: string;
  };
};

async function notificationsOf(h: PluginHarness, user: string) {
  const res = await h.request
    .get('/api/notifications/notifications')
    .set('Authorization', asUser(user));
  expect(res.status).toBe(200);
  return (res.body.notifications as Sent[]).filter(
    n => n.payload.topic === 'defender-apis',
  );
}

/** The scenario with one more active high-severity alert on checkout-api. */
function withNewHighAlert(h: PluginHarness) {
  const scenario = structuredClone(h.emulator.scenario());
  const alerts = scenario.subscriptions[0].alerts!;
  const checkout = alerts.find(a =>
    a.azureResourceIds?.some(id => id.endsWith('/apis/checkout-api')),
  )!;
  alerts.push({
    ...checkout,
    name: 'new-high-alert-on-checkout',
    alertType: 'API_ParameterEnumeration',
    alertDisplayName: 'Parameter enumeration on an API endpoint',
    severity: 'High',
    status: 'Active',
    minutesAgo: 5,
  });
  return scenario;
}

describe('notifications to owners', () => {
  let h: PluginHarness;
  beforeEach(async () => {
    h = await startHarness({
      entities: [
        ...demoEntities(),
        ...team('team-checkout', ['carl']),
        ...team('team-payments', ['paula']),
      ],
      refreshed: true,
      extraFeatures: [notificationsPlugin],
      rootConfig: APP,
    });
  });
  afterEach(() => h.stop());

  it('tells the owners of a new high-severity alert once, and nothing on the first refresh', async () => {
    // The first refresh after install found every alert already there: nobody is told.
    expect(await notificationsOf(h, 'carl')).toEqual([]);

    h.emulator.loadScenario(withNewHighAlert(h));
    await h.runScheduledRefresh();
    const [sent, ...others] = await notificationsOf(h, 'carl');
    expect(others).toEqual([]);
    expect(sent.payload).toMatchObject({
      title: 'New high-severity alert on checkout-api',
      severity: 'high',
      topic: 'defender-apis',
      link: '/catalog/default/api/checkout-api',
      scope: 'defender-apis:newHighAlert:api:default/checkout-api',
    });
    expect(sent.payload.description).toContain(
      'Parameter enumeration on an API endpoint',
    );
    // Another team's member hears nothing of it.
    expect(await notificationsOf(h, 'paula')).toEqual([]);

    // The next refresh finds the same alerts: nothing new.
    await h.runScheduledRefresh();
    expect(await notificationsOf(h, 'carl')).toHaveLength(1);
  });

  it('tells the requester and the owners that an onboarding ended', async () => {
    const res = await h.request
      .post('/api/defender-apis/posture/api/default/wallet-api/onboard')
      .set('Authorization', asUser('paula'));
    expect(res.status).toBe(202);
    const [sent] = await eventually(async () => {
      const found = await notificationsOf(h, 'paula');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(sent.payload).toMatchObject({
      title: 'wallet-api is onboarded to Defender for APIs',
      severity: 'normal',
      link: '/catalog/default/api/wallet-api',
      scope: 'defender-apis:onboarding:api:default/wallet-api',
    });
  });
});

describe('notifications of stale data', () => {
  it('tells the owners once the data could not be read for longer than staleAfter', async () => {
    const h = await startHarness({
      entities: [...demoEntities(), ...team('team-checkout', ['carl'])],
      refreshed: true,
      extraFeatures: [notificationsPlugin],
      rootConfig: APP,
      config: { notifications: { staleAfter: '1s' } },
    });
    try {
      // Refused (not retried, unlike a 503): every read of Defender plans fails at once.
      h.emulator.addFault({
        match: { pathPattern: '/providers/Microsoft.Security/pricings' },
        effect: { status: 403 },
      });
      // Stale, but not for a second yet: nothing.
      await h.runScheduledRefresh();
      expect(await notificationsOf(h, 'carl')).toEqual([]);
      await new Promise(resolve => setTimeout(resolve, 1100));
      await h.runScheduledRefresh();
      const found = await notificationsOf(h, 'carl');
      const checkout = found.find(
        n => n.payload.scope === 'defender-apis:stale:api:default/checkout-api',
      );
      expect(checkout?.payload).toMatchObject({
        title: 'Defender for APIs data of checkout-api is older than 1s',
        severity: 'normal',
        link: '/catalog/default/api/checkout-api',
      });
      expect(checkout?.payload.description).toMatch(
        /^Last read from Azure at /,
      );
    } finally {
      await h.stop();
    }
  });
});

describe('notifications switched off', () => {
  it('sends nothing when defenderApis.notifications.enabled is false', async () => {
    const h = await startHarness({
      entities: [...demoEntities(), ...team('team-checkout', ['carl'])],
      refreshed: true,
      extraFeatures: [notificationsPlugin],
      rootConfig: APP,
      config: { notifications: { enabled: false } },
    });
    try {
      h.emulator.loadScenario(withNewHighAlert(h));
      await h.runScheduledRefresh();
      expect(await notificationsOf(h, 'carl')).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});

describe('without the notifications backend', () => {
  it('refreshes as before and says once that it could not notify', async () => {
    const logLines: string[] = [];
    const h = await startHarness({ refreshed: true, logLines });
    try {
      h.emulator.loadScenario(withNewHighAlert(h));
      await h.runScheduledRefresh();
      const posture = (
        await h.request
          .get('/api/defender-apis/posture/api/default/checkout-api')
          .set('Authorization', asUser('carl'))
      ).body;
      expect(posture.alerts.bySeverity.high).toBeGreaterThan(1);
      expect(
        logLines.filter(l =>
          l.includes('Could not send a Defender for APIs notification'),
        ),
      ).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });
});
