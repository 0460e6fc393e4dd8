import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import {
  ApiPosture,
  PlanTraffic,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi, defenderApisApiRef } from '../../api';
import {
  apiEntity,
  fakeDefenderApi,
  minutesAgo,
  notOnboardedPosture,
  posture,
} from '../../__testUtils__/postures';
import { EntityDefenderApisCard } from './EntityDefenderApisCard';

async function renderCard(api: DefenderApisApi, entity: Entity = apiEntity()) {
  return renderInTestApp(
    <TestApiProvider apis={[[defenderApisApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityDefenderApisCard pollIntervalMs={10} />
      </EntityProvider>
    </TestApiProvider>,
  );
}

function answering(value: ApiPosture) {
  return fakeDefenderApi({ getPosture: jest.fn().mockResolvedValue(value) });
}

const headline = () => screen.getByTestId('posture-headline');

describe('EntityDefenderApisCard', () => {
  it('shows progress inside the card while the posture loads', async () => {
    const api = fakeDefenderApi({
      getPosture: jest.fn(() => new Promise<ApiPosture>(() => {})),
    });
    await renderCard(api);

    expect(screen.getByText('Defender for APIs')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(api.getPosture).toHaveBeenCalledWith({
      kind: 'API',
      namespace: 'default',
      name: 'petstore',
    });
  });

  it('shows the missing annotation state with an example and reads nothing', async () => {
    const api = fakeDefenderApi();
    await renderCard(api, apiEntity(null));

    expect(screen.getByText('Defender for APIs')).toBeInTheDocument();
    expect(screen.getByText(/missing annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/azure\.com\/api-management-api/).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByText(
        'azure.com/api-management-api: contoso-apim/petstore-api',
      ),
    ).toBeInTheDocument();
    expect(api.getPosture).not.toHaveBeenCalled();
  });

  it('shows a backend error in a ResponseErrorPanel', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotFoundError',
            message: 'No entity api:default/petstore',
          },
          response: { statusCode: 404 },
        }),
        {
          status: 404,
          statusText: 'Not Found',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    await renderCard(
      fakeDefenderApi({ getPosture: jest.fn().mockRejectedValue(error) }),
    );

    expect(
      await screen.findByText(/Request failed with 404 Not Found/),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('posture-headline')).not.toBeInTheDocument();
  });

  it('says since when the API is at risk and when its oldest active alert was first seen', async () => {
    await renderCard(
      answering(
        posture({
          status: 'atRisk',
          statusSince: '2026-11-12T09:30:00.000Z',
          alerts: {
            active: 2,
            bySeverity: { high: 1, medium: 1, low: 0, informational: 0 },
            items: [],
            oldestGeneratedAt: '2025-11-03T10:00:00.000Z',
          },
        }),
      ),
    );
    await screen.findByTestId('posture-headline');
    expect(headline()).toHaveTextContent(/^At risk\ssince\s12 Nov( 2026)?\s—/);
    expect(
      screen.getByText(/; the oldest first seen/).closest('dd'),
    ).toHaveTextContent(
      '2 active alerts: 1 high · 1 medium; the oldest first seen 3 Nov 2025',
    );
  });

  it('lists the attack paths through the API, highest risk first, each linked to attack path analysis', async () => {
    const path = (riskLevel: string, displayName: string, n: number) => ({
      id: `/subscriptions/s/providers/Microsoft.Security/attackPaths/p${n}`,
      displayName,
      riskLevel,
      riskCategories: ['Exposure', 'Data exfiltration'],
      entryPoint: 'Internet',
      target: `store-${n}`,
      through: [`GET /orders/${n}`],
      url: 'https://portal.azure.com/#view/Microsoft_Azure_Security/SecurityMenuBlade/~/AttackPath',
    });
    await renderCard(
      answering(
        posture({
          attackPaths: {
            available: true,
            items: [
              path('Critical', 'Reaches a vulnerable VM', 1),
              path('High', 'Reaches sensitive data', 2),
              path('Medium', 'Exposed', 3),
              path('Low', 'Fourth path', 4),
            ],
          },
        }),
      ),
    );
    const row = (await screen.findByText('Attack paths')).nextElementSibling!;
    expect(row).toHaveTextContent(/^4 attack paths through this API/);
    const items = within(
      screen.getByRole('list', { name: 'Attack paths' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent(
      'Reaches a vulnerable VM, Opens in a new windowCritical risk · Exposure, Data exfiltration · Internet → store-1 · through GET /orders/1',
    );
    expect(
      within(items[0]).getByRole('link', { name: /^Reaches a vulnerable VM/ }),
    ).toHaveAttribute(
      'href',
      expect.stringMatching(/^https:\/\/portal\.azure\.com\//),
    );
  });

  it('says why attack paths are not known instead of showing none', async () => {
    await renderCard(
      answering(
        posture({
          attackPaths: {
            available: false,
            reason:
              'Defender CSPM is off in subscription 1111: attack path analysis needs it.',
            items: [],
          },
        }),
      ),
    );
    const row = (await screen.findByText('Attack paths')).nextElementSibling!;
    expect(row).toHaveTextContent(
      'Not available: Defender CSPM is off in subscription 1111: attack path analysis needs it.',
    );
    expect(screen.queryByRole('list', { name: 'Attack paths' })).toBeNull();
  });

  it('says the claim is being checked, without an Onboard button, while claimPending', async () => {
    await renderCard(
      answering(
        posture({
          status: 'awaitingData',
          claimPending: true,
          reason:
            'Defender for APIs data for this API is shown once a catalog-wide read has checked it.',
          endpoints: undefined,
          plan: undefined,
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(headline()).toHaveTextContent('Claim being checked');
    expect(headline()).toHaveTextContent(/catalog-wide read/);
    expect(
      screen.queryByRole('button', { name: 'Onboard' }),
    ).not.toBeInTheDocument();
  });

  it('reads the posture again while the claim is being checked, and stops once it is', async () => {
    const pending = posture({
      status: 'awaitingData',
      claimPending: true,
      reason: 'Shown once a catalog-wide read has checked the claim.',
      endpoints: undefined,
    });
    const getPosture = jest
      .fn()
      .mockResolvedValueOnce(pending)
      .mockResolvedValueOnce(pending)
      .mockResolvedValue(posture());
    await renderCard(fakeDefenderApi({ getPosture }));

    await waitFor(() => expect(headline()).toHaveTextContent('Protected'));
    const reads = getPosture.mock.calls.length;
    expect(reads).toBe(3);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(getPosture).toHaveBeenCalledTimes(reads);
  });

  it('shows a protected API at a glance with its facts, freshness and portal link', async () => {
    await renderCard(answering(posture()));

    await screen.findByTestId('posture-headline');
    expect(within(headline()).getByLabelText('Status ok')).toBeInTheDocument();
    expect(headline()).toHaveTextContent('Protected');
    expect(screen.getByText('Onboarded')).toBeInTheDocument();
    expect(
      screen.getByText('Defender for APIs plan').nextElementSibling,
    ).toHaveTextContent(
      /^On \(plan P1\) on subscription 00000000-0000-0000-0000-000000000001$/,
    );
    expect(
      screen.getByText('0 of 14 endpoints unauthenticated'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '3 endpoints exposing sensitive data · label "Confidential"',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('4 unused (30 days) · 1 external'),
    ).toBeInTheDocument();
    expect(screen.getByText('No active alerts')).toBeInTheDocument();
    expect(screen.getByText('None open')).toBeInTheDocument();
    expect(screen.getByText('12 minutes ago')).toBeInTheDocument();
    expect(screen.queryByTestId('posture-stale')).not.toBeInTheDocument();
    expect(
      screen.getByText('View API in Azure portal').closest('a'),
    ).toHaveAttribute(
      'href',
      expect.stringContaining(
        'https://portal.azure.com/#resource/subscriptions/',
      ),
    );
    expect(
      screen.queryByRole('button', { name: 'Onboard' }),
    ).not.toBeInTheDocument();
  });

  it('shows an API at risk with alerts by severity, the latest three linked, and recommendations', async () => {
    const alert = (
      n: number,
      severity: 'high' | 'medium',
      minutes: number,
    ) => ({
      id: `alert-${n}`,
      alertType: 'API_AccessFromSuspiciousIP',
      displayName: `Suspicious IP ${n}`,
      severity,
      status: 'Active',
      timeGenerated: minutesAgo(minutes),
      url: `https://portal.azure.com/#alert-${n}`,
    });
    await renderCard(
      answering(
        posture({
          status: 'atRisk',
          reason: '1 active high-severity alert; 2 endpoints unauthenticated.',
          endpoints: {
            total: 14,
            unauthenticated: 2,
            inactive: 4,
            external: 1,
            sensitiveDataExposed: 0,
          },
          sensitivityLabel: undefined,
          alerts: {
            active: 4,
            bySeverity: { high: 1, medium: 3, low: 0, informational: 0 },
            items: [
              alert(1, 'high', 120),
              alert(2, 'medium', 180),
              alert(3, 'medium', 240),
              alert(4, 'medium', 300),
            ],
          },
          recommendations: [
            {
              key: '91af2040-7874-4659-abf0-578e1f8d07dc',
              displayName: 'API endpoints should be authenticated',
              resourceId: '/x',
              severity: 'High',
              url: 'https://portal.azure.com/#recommendation',
              affectedResources: 2,
            },
          ],
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(
      within(headline()).getByLabelText('Status error'),
    ).toBeInTheDocument();
    expect(headline()).toHaveTextContent(
      'At risk — 1 active high-severity alert; 2 endpoints unauthenticated.',
    );
    expect(
      screen.getByText('2 of 14 endpoints unauthenticated'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('0 endpoints exposing sensitive data'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('4 active alerts: 1 high · 3 medium'),
    ).toBeInTheDocument();

    const alerts = within(screen.getByRole('list', { name: 'Latest alerts' }));
    expect(alerts.getAllByRole('listitem')).toHaveLength(3);
    expect(
      alerts.getByRole('link', { name: /^Suspicious IP 1\b/ }),
    ).toHaveAttribute('href', 'https://portal.azure.com/#alert-1');
    expect(alerts.getByText('2 hours ago')).toBeInTheDocument();
    expect(alerts.queryByText('Suspicious IP 4')).not.toBeInTheDocument();

    const recommendations = within(
      screen.getByRole('list', { name: 'Open recommendations' }),
    );
    expect(
      recommendations.getByRole('link', {
        name: /^API endpoints should be authenticated/,
      }),
    ).toHaveAttribute('href', 'https://portal.azure.com/#recommendation');
    expect(
      recommendations.getByText('High severity · 2 affected resources'),
    ).toBeInTheDocument();
  });

  it('links Azure data only to https Azure portal pages, and shows other links as text', async () => {
    const linked = (n: number, url: string) => ({
      id: `alert-${n}`,
      alertType: 'API_AccessFromSuspiciousIP',
      displayName: `Alert ${n}`,
      severity: 'high' as const,
      status: 'Active',
      url,
    });
    await renderCard(
      answering(
        posture({
          status: 'atRisk',
          reason: '3 active high-severity alerts.',
          alerts: {
            active: 3,
            bySeverity: { high: 3, medium: 0, low: 0, informational: 0 },
            items: [
              // eslint-disable-next-line no-script-url
              linked(1, 'javascript:alert(document.cookie)'),
              linked(2, 'https://portal.azure.com.evil.example/#blade'),
              linked(3, 'https://ms.portal.azure.com/#view/alert-3'),
            ],
          },
          recommendations: [
            {
              key: 'k',
              displayName: 'Plain recommendation',
              resourceId: '/x',
              url: 'http://portal.azure.com/#recommendation',
            },
          ],
        }),
      ),
    );
    await screen.findByTestId('posture-headline');
    const alerts = within(screen.getByRole('list', { name: 'Latest alerts' }));
    expect(alerts.getAllByRole('link')).toHaveLength(1);
    expect(alerts.getByRole('link', { name: /^Alert 3\b/ })).toHaveAttribute(
      'href',
      'https://ms.portal.azure.com/#view/alert-3',
    );
    expect(alerts.getByText('Alert 1')).toBeInTheDocument();
    expect(alerts.getByText('Alert 2')).toBeInTheDocument();
    const recommendations = within(
      screen.getByRole('list', { name: 'Open recommendations' }),
    );
    expect(recommendations.queryByRole('link')).not.toBeInTheDocument();
    expect(
      recommendations.getByText('Plain recommendation'),
    ).toBeInTheDocument();
  });

  it('uses a warning light for an API at risk without high-severity alerts', async () => {
    await renderCard(
      answering(
        posture({
          status: 'atRisk',
          reason: '2 endpoints unauthenticated.',
          endpoints: {
            total: 14,
            unauthenticated: 2,
            inactive: 0,
            external: 0,
            sensitiveDataExposed: 0,
          },
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(
      within(headline()).getByLabelText('Status warning'),
    ).toBeInTheDocument();
  });

  it('marks stale data with the reason', async () => {
    await renderCard(
      answering(
        posture({
          stale: true,
          staleReason: 'Azure answered 503 Service Unavailable',
        }),
      ),
    );

    expect(await screen.findByTestId('posture-stale')).toHaveTextContent(
      'Stale data: the last refresh from Azure failed (Azure answered 503 Service Unavailable)',
    );
  });

  it('shows awaiting data without zero counts that would look healthy', async () => {
    await renderCard(
      answering(
        posture({
          status: 'awaitingData',
          reason:
            'Onboarded; Defender for APIs has not reported endpoints yet (first insights take 30 to 50 minutes).',
          endpoints: {
            total: 0,
            unauthenticated: 0,
            inactive: 0,
            external: 0,
            sensitiveDataExposed: 0,
          },
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(
      within(headline()).getByLabelText('Status pending'),
    ).toBeInTheDocument();
    expect(headline()).toHaveTextContent('Awaiting data');
    expect(screen.getByText(/Onboarded · awaiting data/)).toBeInTheDocument();
    expect(
      screen.queryByText(/endpoints unauthenticated/),
    ).not.toBeInTheDocument();
  });

  it('shows onboarding in progress without an onboard button', async () => {
    await renderCard(
      answering(
        notOnboardedPosture({
          status: 'onboarding',
          reason: 'Onboarding to Defender for APIs is in progress.',
          onboarding: { state: 'running' },
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(
      within(headline()).getByLabelText('Status pending'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Onboarding in progress/)).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Onboarding progress' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Onboard' }),
    ).not.toBeInTheDocument();
  });

  it('shows the traffic of the last 30 days against the plan, and no line without it', async () => {
    const withTraffic = (traffic: PlanTraffic) =>
      posture({
        plan: {
          enabled: true,
          subPlan: 'P1',
          subscriptionId: '00000000-0000-0000-0000-000000000001',
          traffic,
        },
      });
    const exceeds = await renderCard(
      answering(
        withTraffic({
          requestsLast30Days: 1_250_000,
          entitlement: 1_000_000,
          verdict: 'exceeds',
          suggestedPlan: 'P2',
        }),
      ),
    );
    expect(
      await screen.findByText(
        '1.25M of 1M calls in P1 — exceeds the plan; move to P2',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('API traffic (30 days)')).toBeInTheDocument();
    exceeds.unmount();

    const smaller = await renderCard(
      answering(
        posture({
          plan: {
            enabled: true,
            subPlan: 'P3',
            traffic: {
              requestsLast30Days: 40_000,
              entitlement: 50_000_000,
              verdict: 'smallerPlanFits',
              suggestedPlan: 'P1',
            },
          },
        }),
      ),
    );
    expect(
      await screen.findByText(
        '40K of 50M calls in P3 — fits a smaller plan (P1)',
      ),
    ).toBeInTheDocument();
    smaller.unmount();

    await renderCard(answering(posture()));
    await screen.findByTestId('posture-headline');
    expect(screen.queryByText('API traffic (30 days)')).not.toBeInTheDocument();
    expect(screen.queryByText(/calls in P1/)).not.toBeInTheDocument();
  });

  it('says who can turn the plan on when it is off, once', async () => {
    const { container } = await renderCard(
      answering(
        notOnboardedPosture({
          status: 'planDisabled',
          reason:
            'The Defender for APIs plan is off on this subscription; a subscription owner can turn it on in Microsoft Defender for Cloud › Environment settings.',
          plan: { enabled: false },
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(headline()).toHaveTextContent('Plan off');
    const planRow = screen.getByText('Defender for APIs plan')
      .nextElementSibling as HTMLElement;
    expect(planRow.textContent).toBe(
      'Off on subscription 00000000-0000-0000-0000-000000000001.',
    );
    // The headline says who can turn it on; the sentence is not repeated.
    expect(container.textContent?.match(/Environment settings/g)).toHaveLength(
      1,
    );
    expect(
      screen.queryByRole('button', { name: 'Onboard' }),
    ).not.toBeInTheDocument();
  });

  it('shows an API covered by Defender CSPM posture only with its findings, sensitive data not scanned, and no Onboard button', async () => {
    const { container } = await renderCard(
      answering(
        posture({
          status: 'postureOnly',
          reason:
            'Posture findings from Defender CSPM; no threat detection without the Defender for APIs plan, which a subscription owner can turn on in Microsoft Defender for Cloud › Environment settings.',
          plan: {
            enabled: false,
            apiPosture: true,
            sensitiveDataDiscovery: false,
          },
          endpoints: {
            total: 9,
            unauthenticated: 2,
            inactive: 1,
            external: 3,
            sensitiveDataExposed: 0,
            sensitiveDataScanned: false,
          },
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(headline()).toHaveTextContent('Posture only');
    const row = (term: string) =>
      (screen.getByText(term).nextElementSibling as HTMLElement).textContent;
    expect(row('Onboarding')).toBe(
      'Covered by Defender CSPM API posture (no threat detection)',
    );
    expect(row('Defender for APIs plan')).toContain(
      'Defender CSPM API posture is on: posture findings, no threat detection.',
    );
    expect(row('Authentication')).toBe('2 of 9 endpoints unauthenticated');
    expect(row('Sensitive data')).toBe(
      'Not scanned: Defender CSPM sensitive data discovery is off',
    );
    expect(container.textContent?.match(/Environment settings/g)).toHaveLength(
      1,
    );
    expect(
      screen.queryByRole('button', { name: 'Onboard' }),
    ).not.toBeInTheDocument();
  });

  it('shows not applicable with the reason, never as unprotected', async () => {
    const reason = 'GraphQL APIs are not supported by Defender for APIs.';
    await renderCard(
      answering(
        notOnboardedPosture({
          status: 'notApplicable',
          reason,
          notApplicableCause: 'apiType',
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(
      within(headline()).getByLabelText('Status aborted'),
    ).toBeInTheDocument();
    expect(headline()).toHaveTextContent(`Not applicable — ${reason}`);
    expect(screen.getByText(`Not applicable: ${reason}`)).toBeInTheDocument();
    expect(screen.queryByText('Unprotected')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Onboard' }),
    ).not.toBeInTheDocument();
  });

  it('shows a malformed annotation with the reason and no facts or portal link', async () => {
    const reason =
      'Annotation azure.com/api-management-api must be "…" or "{serviceName}/{apiId}", but is "a/b/c": expected a full ARM id.';
    await renderCard(
      answering({
        entityRef: 'api:default/petstore',
        status: 'unmapped',
        owners: ['group:default/team-payments'],
        mappingIssue: 'malformedAnnotation',
        reason,
        alerts: posture().alerts,
        recommendations: [],
        stale: false,
      }),
      apiEntity('a/b/c'),
    );

    await screen.findByTestId('posture-headline');
    expect(
      within(headline()).getByLabelText('Status error'),
    ).toBeInTheDocument();
    expect(headline()).toHaveTextContent(`Not mapped — ${reason}`);
    expect(screen.queryByText('Onboarding')).not.toBeInTheDocument();
    expect(
      screen.queryByText('View API in Azure portal'),
    ).not.toBeInTheDocument();
  });

  it('shows a conflict with the other entities and no facts or onboard button', async () => {
    const reason =
      'Entities of other owners also map to this API Management API: api:default/squatter. Until only one team maps it, no Defender for APIs data is shown for it and it cannot be onboarded.';
    const { api } = posture();
    await renderCard(
      answering({
        entityRef: 'api:default/petstore',
        status: 'conflict',
        owners: ['group:default/team-payments'],
        conflictWith: ['api:default/squatter'],
        reason,
        api: { ...api!, displayName: undefined },
        alerts: posture().alerts,
        recommendations: [],
        stale: false,
      }),
    );

    await screen.findByTestId('posture-headline');
    expect(
      within(headline()).getByLabelText('Status error'),
    ).toBeInTheDocument();
    expect(headline()).toHaveTextContent(`Conflict — ${reason}`);
    expect(
      screen.queryByRole('button', { name: /onboard/i }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/endpoints/i)).not.toBeInTheDocument();
  });

  it('shows an Azure read error with its reason', async () => {
    await renderCard(
      answering(
        notOnboardedPosture({
          status: 'error',
          reason: 'Azure could not be read: 403 AuthorizationFailed',
          plan: undefined,
        }),
      ),
    );

    await screen.findByTestId('posture-headline');
    expect(
      within(headline()).getByLabelText('Status error'),
    ).toBeInTheDocument();
    expect(headline()).toHaveTextContent(
      'Unknown — Azure could not be read: 403 AuthorizationFailed',
    );
  });

  describe('onboarding', () => {
    it('lets an owner onboard after confirming, then shows progress until the new state', async () => {
      const onboarding = notOnboardedPosture({
        status: 'onboarding',
        reason: 'Onboarding to Defender for APIs is in progress.',
        onboarding: { state: 'running' },
      });
      const done = posture({
        status: 'awaitingData',
        reason: 'Onboarded; Defender for APIs has not reported endpoints yet.',
        endpoints: {
          total: 0,
          unauthenticated: 0,
          inactive: 0,
          external: 0,
          sensitiveDataExposed: 0,
        },
      });
      const api = fakeDefenderApi({
        getPosture: jest
          .fn()
          .mockResolvedValueOnce(notOnboardedPosture())
          .mockResolvedValueOnce(onboarding)
          .mockResolvedValue(done),
        onboard: jest.fn().mockResolvedValue(onboarding),
      });
      await renderCard(api);

      const button = await screen.findByRole('button', { name: 'Onboard' });
      expect(headline()).toHaveTextContent('Unprotected');
      await waitFor(() => expect(button).toBeEnabled());
      expect(api.getPostureAccess).toHaveBeenCalledWith({
        kind: 'api',
        namespace: 'default',
        name: 'petstore',
      });
      await userEvent.click(button);

      const dialog = await screen.findByRole('dialog');
      expect(dialog).toHaveTextContent('Microsoft.Security/apiCollections');
      expect(dialog).toHaveTextContent('contoso-apim');
      expect(dialog).toHaveTextContent(/billing follows the API's traffic/i);
      expect(dialog).toHaveTextContent('up to about 50 minutes');
      expect(api.onboard).not.toHaveBeenCalled();

      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Onboard' }),
      );

      expect(api.onboard).toHaveBeenCalledWith({
        kind: 'API',
        namespace: 'default',
        name: 'petstore',
      });
      expect(
        await screen.findByText(/Onboarding in progress/),
      ).toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: 'Onboard' }),
      ).not.toBeInTheDocument();

      await waitFor(() =>
        expect(headline()).toHaveTextContent('Awaiting data'),
      );
      // First read, one poll still onboarding, one poll done; then polling stops.
      expect(api.getPosture).toHaveBeenCalledTimes(3);
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(api.getPosture).toHaveBeenCalledTimes(3);
    });

    it('does nothing when the owner cancels the dialog', async () => {
      const api = fakeDefenderApi({
        getPosture: jest.fn().mockResolvedValue(notOnboardedPosture()),
        onboard: jest.fn(),
      });
      await renderCard(api);

      await userEvent.click(
        await screen.findByRole('button', { name: 'Onboard' }),
      );
      await userEvent.click(
        within(await screen.findByRole('dialog')).getByRole('button', {
          name: 'Cancel',
        }),
      );

      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      expect(api.onboard).not.toHaveBeenCalled();
    });

    it('disables the button for others and names the owners in a tooltip', async () => {
      await renderCard(
        fakeDefenderApi({
          getPosture: jest.fn().mockResolvedValue(
            notOnboardedPosture({
              owners: ['group:default/team-payments', 'user:default/jane'],
            }),
          ),
          getPostureAccess: jest.fn().mockResolvedValue({ canOnboard: false }),
        }),
      );

      const button = await screen.findByRole('button', { name: 'Onboard' });
      await userEvent.hover(screen.getByTestId('onboard-button-wrapper'));
      expect(await screen.findByRole('tooltip')).toHaveTextContent(
        'Only owners (team-payments, jane) can onboard this API',
      );
      expect(button).toBeDisabled();
    });

    it('keeps the button off while the backend decides, and says so', async () => {
      await renderCard(
        fakeDefenderApi({
          getPosture: jest.fn().mockResolvedValue(notOnboardedPosture()),
          getPostureAccess: jest.fn(() => new Promise(() => {})),
        }),
      );

      const button = await screen.findByRole('button', { name: 'Onboard' });
      expect(button).toBeDisabled();
      await userEvent.hover(screen.getByTestId('onboard-button-wrapper'));
      expect(await screen.findByRole('tooltip')).toHaveTextContent(
        'Checking whether you may onboard this API',
      );
    });

    it('keeps the button off and says why when the decision cannot be read', async () => {
      await renderCard(
        fakeDefenderApi({
          getPosture: jest.fn().mockResolvedValue(notOnboardedPosture()),
          getPostureAccess: jest
            .fn()
            .mockRejectedValue(new Error('permission backend unavailable')),
        }),
      );

      const button = await screen.findByRole('button', { name: 'Onboard' });
      await userEvent.hover(screen.getByTestId('onboard-button-wrapper'));
      expect(await screen.findByRole('tooltip')).toHaveTextContent(
        'Could not check whether you may onboard this API: permission backend unavailable',
      );
      expect(button).toBeDisabled();
    });

    it('asks for the decision only where the Onboard button shows', async () => {
      const api = answering(posture());
      await renderCard(api);

      await screen.findByTestId('posture-headline');
      expect(headline()).toHaveTextContent('Protected');
      expect(api.getPostureAccess).not.toHaveBeenCalled();
    });

    it('shows why a previous onboarding failed and offers to retry', async () => {
      await renderCard(
        answering(
          notOnboardedPosture({
            reason:
              'This API is not onboarded to Defender for APIs. The last onboarding failed: quota exceeded',
            onboarding: {
              state: 'failed',
              error: 'Azure answered 409: quota exceeded',
            },
          }),
        ),
      );

      expect(
        await screen.findByText(
          'The last onboarding failed: Azure answered 409: quota exceeded',
        ),
      ).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Onboard' })).toBeEnabled();
    });

    it("shows the backend's message when the onboard request is refused", async () => {
      const refusal = await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'NotAllowedError',
              message: 'Only the owners of api:default/petstore may onboard it',
            },
            response: { statusCode: 403 },
          }),
          {
            status: 403,
            statusText: 'Forbidden',
            headers: { 'content-type': 'application/json' },
          },
        ),
      );
      const api = fakeDefenderApi({
        getPosture: jest.fn().mockResolvedValue(notOnboardedPosture()),
        onboard: jest.fn().mockRejectedValue(refusal),
      });
      await renderCard(api);

      await userEvent.click(
        await screen.findByRole('button', { name: 'Onboard' }),
      );
      await userEvent.click(
        within(await screen.findByRole('dialog')).getByRole('button', {
          name: 'Onboard',
        }),
      );

      expect(
        await screen.findByText(
          'Onboarding could not be started: Only the owners of api:default/petstore may onboard it',
        ),
      ).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Onboard' })).toBeEnabled();
    });

    it('shows the failure when onboarding ends in failed', async () => {
      const running = notOnboardedPosture({
        status: 'onboarding',
        reason: 'Onboarding to Defender for APIs is in progress.',
        onboarding: { state: 'running' },
      });
      const failed = notOnboardedPosture({
        reason:
          'This API is not onboarded to Defender for APIs. The last onboarding failed: denied',
        onboarding: {
          state: 'failed',
          error: 'AuthorizationFailed: the client may not write apiCollections',
        },
      });
      await renderCard(
        fakeDefenderApi({
          getPosture: jest
            .fn()
            .mockResolvedValueOnce(running)
            .mockResolvedValue(failed),
        }),
      );

      expect(
        await screen.findByText(
          'The last onboarding failed: AuthorizationFailed: the client may not write apiCollections',
        ),
      ).toBeInTheDocument();
      expect(headline()).toHaveTextContent('Unprotected');
    });

    it('keeps polling and says so when a progress read fails', async () => {
      const running = notOnboardedPosture({
        status: 'onboarding',
        reason: 'Onboarding to Defender for APIs is in progress.',
        onboarding: { state: 'running' },
      });
      let finish: (value: ApiPosture) => void = () => {};
      const api = fakeDefenderApi({
        getPosture: jest
          .fn()
          .mockResolvedValueOnce(running)
          .mockRejectedValueOnce(new Error('network down'))
          .mockReturnValueOnce(
            new Promise<ApiPosture>(resolve => {
              finish = resolve;
            }),
          ),
      });
      await renderCard(api);

      expect(
        await screen.findByText(
          'Could not read the onboarding progress, trying again: network down',
        ),
      ).toBeInTheDocument();
      await waitFor(() => expect(api.getPosture).toHaveBeenCalledTimes(3));

      finish(posture());
      await waitFor(() => expect(headline()).toHaveTextContent('Protected'));
      expect(
        screen.queryByText(/Could not read the onboarding progress/),
      ).not.toBeInTheDocument();
    });

    it('offers the equivalent Bicep with a copy button', async () => {
      await renderCard(answering(notOnboardedPosture()));

      const toggle = await screen.findByRole('button', { name: 'Show Bicep' });
      expect(
        screen.queryByRole('button', { name: 'Copy Bicep' }),
      ).not.toBeInTheDocument();
      await userEvent.click(toggle);

      expect(
        await screen.findByRole('button', { name: 'Copy Bicep' }),
      ).toBeInTheDocument();
      expect(
        await screen.findByText(
          /resource apiCollection 'Microsoft.Security\/apiCollections@2023-11-15'/,
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: 'Hide Bicep' }),
      ).toHaveAttribute('aria-expanded', 'true');
    });
  });

  describe('offboarding', () => {
    it('lets an owner offboard after a confirmation that names the API and what is lost', async () => {
      const after = notOnboardedPosture();
      const api = fakeDefenderApi({
        getPosture: jest.fn().mockResolvedValue(posture()),
        offboard: jest.fn().mockResolvedValue(after),
      });
      await renderCard(api);

      await userEvent.click(
        await screen.findByRole('button', { name: 'Offboard' }),
      );
      const dialog = await screen.findByRole('dialog');
      expect(dialog).toHaveTextContent(
        'Offboard Petstore API from Defender for APIs?',
      );
      expect(dialog).toHaveTextContent('contoso-apim');
      expect(dialog).toHaveTextContent(/no longer detects threats/);
      expect(dialog).toHaveTextContent(/no security alerts/);
      expect(dialog).toHaveTextContent(/with their history/);
      expect(api.offboard).not.toHaveBeenCalled();

      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Offboard' }),
      );
      expect(api.offboard).toHaveBeenCalledWith({
        kind: 'API',
        namespace: 'default',
        name: 'petstore',
      });
      expect(
        await screen.findByText(
          /threat detection and alerts for this API have stopped/,
        ),
      ).toBeInTheDocument();
      expect(headline()).toHaveTextContent('Unprotected');
      expect(
        screen.queryByRole('button', { name: 'Offboard' }),
      ).not.toBeInTheDocument();
      expect(
        await screen.findByRole('button', { name: 'Onboard' }),
      ).toBeInTheDocument();
    });

    it('keeps the posture and shows why when the backend refuses', async () => {
      const refusal = await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'ServiceUnavailableError',
              message:
                'api:default/petstore was not offboarded, its posture is unchanged: Azure Resource Manager answered 403 (AuthorizationFailed)',
            },
            response: { statusCode: 503 },
          }),
          { status: 503, headers: { 'Content-Type': 'application/json' } },
        ),
      );
      const api = fakeDefenderApi({
        getPosture: jest.fn().mockResolvedValue(posture()),
        offboard: jest.fn().mockRejectedValue(refusal),
      });
      await renderCard(api);
      await userEvent.click(
        await screen.findByRole('button', { name: 'Offboard' }),
      );
      await userEvent.click(
        within(await screen.findByRole('dialog')).getByRole('button', {
          name: 'Offboard',
        }),
      );
      expect(
        await screen.findByText(/The API was not offboarded: .*answered 403/),
      ).toBeInTheDocument();
      expect(headline()).toHaveTextContent('Protected');
    });

    it('tells others whom to ask when they try, and never offboards for them', async () => {
      const api = fakeDefenderApi({
        getPosture: jest.fn().mockResolvedValue(posture()),
        getPostureAccess: jest
          .fn()
          .mockResolvedValue({ canOnboard: false, canOffboard: false }),
        offboard: jest.fn(),
      });
      await renderCard(api);
      await screen.findByTestId('posture-headline');
      // Asked on the click only: viewing the card costs no permission decision.
      expect(api.getPostureAccess).not.toHaveBeenCalled();
      await userEvent.click(screen.getByRole('button', { name: 'Offboard' }));
      const dialog = await screen.findByRole('dialog');
      expect(dialog).toHaveTextContent(
        'Only owners (team-payments) can offboard this API.',
      );
      expect(
        within(dialog).queryByRole('button', { name: 'Offboard' }),
      ).not.toBeInTheDocument();
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Close' }),
      );
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      expect(api.offboard).not.toHaveBeenCalled();
    });

    it('offers no offboarding for Defender CSPM posture or an API not onboarded', async () => {
      for (const value of [
        posture({
          status: 'postureOnly',
          reason: 'Posture findings from Defender CSPM; no threat detection.',
        }),
        notOnboardedPosture(),
      ]) {
        const { unmount } = await renderCard(answering(value));
        await screen.findByTestId('posture-headline');
        expect(
          screen.queryByRole('button', { name: 'Offboard' }),
        ).not.toBeInTheDocument();
        unmount();
      }
    });
  });

  describe('endpoints at risk', () => {
    const AUTH = '91af2040-7874-4659-abf0-578e1f8d07dc';
    const atRisk = posture({
      status: 'atRisk',
      reason: '2 endpoints unauthenticated.',
      recommendations: [
        {
          key: AUTH,
          displayName:
            'API endpoints in Azure API Management should be authenticated',
          resourceId: 'x',
          severity: 'High',
          affectedResources: 5,
          remediation: 'Require a subscription key or a JWT.',
          endpoints: ['create-order', 'get-order-status', 'list-orders', 'pay'],
          onApi: true,
        },
      ],
      endpointFindings: [
        {
          operationId: 'create-order',
          findings: ['unauthenticated'],
          recommendationKeys: [AUTH],
        },
      ],
      endpointFindingsTotal: 4,
    });

    it('says which endpoints each recommendation is on, with its severity and remediation', async () => {
      await renderCard(answering(atRisk));
      const recommendations = await screen.findByRole('list', {
        name: 'Open recommendations',
      });
      expect(recommendations).toHaveTextContent(
        'High severity · on 4 endpoints: create-order, get-order-status, list-orders and 1 more',
      );
      expect(recommendations).toHaveTextContent(
        'To fix: Require a subscription key or a JWT.',
      );
    });

    it('lists the endpoints with method, URL template and findings when opened, read only then', async () => {
      const api = fakeDefenderApi({
        getPosture: jest.fn().mockResolvedValue(atRisk),
        getEndpoints: jest.fn().mockResolvedValue({
          items: [
            {
              operationId: 'create-order',
              displayName: 'Create order',
              method: 'POST',
              urlTemplate: '/orders',
              findings: ['unauthenticated', 'sensitiveData'],
              recommendationKeys: [AUTH],
            },
          ],
          total: 4,
        }),
      });
      await renderCard(api);
      expect(
        await screen.findByText(/4 endpoints with open findings/),
      ).toBeInTheDocument();
      expect(api.getEndpoints).not.toHaveBeenCalled();

      await userEvent.click(
        screen.getByRole('button', { name: 'Show endpoints' }),
      );
      const list = await screen.findByRole('list', {
        name: 'Endpoints with open findings',
      });
      expect(api.getEndpoints).toHaveBeenCalledWith({
        kind: 'api',
        namespace: 'default',
        name: 'petstore',
      });
      expect(list).toHaveTextContent('POST /orders Create order');
      expect(within(list).getByText('Unauthenticated')).toBeInTheDocument();
      expect(within(list).getByText('Sensitive data')).toBeInTheDocument();
      expect(list).toHaveTextContent(
        'API endpoints in Azure API Management should be authenticated',
      );
      expect(list).toHaveTextContent('and 3 more in Defender for Cloud');
    });

    it('says why methods and URLs are missing when API Management could not be read', async () => {
      await renderCard(
        fakeDefenderApi({
          getPosture: jest.fn().mockResolvedValue(atRisk),
          getEndpoints: jest.fn().mockResolvedValue({
            items: atRisk.endpointFindings,
            total: 1,
            operationsError:
              'Azure Resource Manager answered 403 (AuthorizationFailed)',
          }),
        }),
      );
      await userEvent.click(
        await screen.findByRole('button', { name: 'Show endpoints' }),
      );
      expect(
        await screen.findByText(
          'Methods and URLs are missing: Azure Resource Manager answered 403 (AuthorizationFailed)',
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('list', { name: 'Endpoints with open findings' }),
      ).toHaveTextContent('? create-order');
    });
  });
});
