import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  ApiRef,
  DiscoveryApi,
  discoveryApiRef,
  IdentityApi,
  identityApiRef,
} from '@backstage/core-plugin-api';
import { defenderApisApiRef } from '../../api';
import {
  apiEntity,
  fakeDefenderApi,
  posture,
} from '../../__testUtils__/postures';
import { EntityDefenderApisCard } from './EntityDefenderApisCard';
import { techInsightsChecksApiRef } from './useScorecard';

const discoveryApi: DiscoveryApi = {
  getBaseUrl: async pluginId => `http://backstage.test/api/${pluginId}`,
};

function checkResult(id: string, name: string, result: boolean) {
  return {
    facts: {},
    check: {
      id,
      type: 'json-rules-engine',
      name,
      description: `${name} description`,
      factIds: ['defenderApisFactRetriever'],
    },
    result,
  };
}

function jsonResponse(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

const identityApi = {
  getCredentials: async () => ({ token: 'user-token' }),
} as unknown as IdentityApi;

async function renderCard(apis: Array<readonly [ApiRef<any>, any]> = []) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          defenderApisApiRef,
          fakeDefenderApi({
            getPosture: jest.fn().mockResolvedValue(posture()),
          }),
        ],
        ...apis,
      ]}
    >
      <EntityProvider entity={apiEntity()}>
        <EntityDefenderApisCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  await screen.findByTestId('posture-headline');
}

/** An app with the tech-insights frontend plugin, whose API answers `runChecks`. */
function withTechInsights(runChecks: jest.Mock) {
  return [[techInsightsChecksApiRef, { runChecks }] as const];
}

async function expectNoScorecard(called: jest.Mock | jest.SpyInstance) {
  await waitFor(() => expect(called).toHaveBeenCalled());
  await new Promise(resolve => setTimeout(resolve, 20));
  expect(
    screen.queryByTestId('defender-apis-scorecard'),
  ).not.toBeInTheDocument();
  expect(screen.queryByText('Scorecard')).not.toBeInTheDocument();
}

describe('ScorecardRow in EntityDefenderApisCard', () => {
  it("shows pass or fail of the three Defender for APIs checks, run through the app's tech-insights API", async () => {
    const runChecks = jest.fn().mockResolvedValue([
      // Another check the entity has, which the row leaves out.
      checkResult('someOtherCheck', 'Other', true),
      checkResult('defenderApisNoHighAlertsCheck', 'No high alerts', false),
      checkResult('defenderApisOnboardedCheck', 'Onboarded', true),
      checkResult(
        'defenderApisNoUnauthenticatedEndpointsCheck',
        'No unauthenticated endpoints',
        true,
      ),
    ]);
    await renderCard(withTechInsights(runChecks));

    const row = await screen.findByTestId('defender-apis-scorecard');
    expect(within(row).getByText('Scorecard')).toBeInTheDocument();
    const items = within(row).getAllByRole('listitem');
    expect(items.map(item => item.getAttribute('aria-label'))).toEqual([
      'Onboarded: passed',
      'No unauthenticated endpoints: passed',
      'No high alerts: failed',
    ]);
    expect(runChecks).toHaveBeenCalledTimes(1);
    expect(runChecks).toHaveBeenCalledWith(
      { kind: 'API', namespace: 'default', name: 'petstore' },
      [
        'defenderApisOnboardedCheck',
        'defenderApisNoUnauthenticatedEndpointsCheck',
        'defenderApisNoHighAlertsCheck',
      ],
    );
  });

  it("falls back to tech-insights' own client over the app's discovery and identity", async () => {
    const fetch = jest
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(
        jsonResponse([
          checkResult('defenderApisOnboardedCheck', 'Onboarded', false),
        ]),
      );
    try {
      await renderCard([
        [discoveryApiRef, discoveryApi],
        [identityApiRef, identityApi],
      ]);

      const row = await screen.findByTestId('defender-apis-scorecard');
      expect(
        within(row)
          .getAllByRole('listitem')
          .map(item => item.getAttribute('aria-label')),
      ).toEqual(['Onboarded: failed']);
      const request = fetch.mock.calls[0][0] as Request;
      expect(request.url).toBe(
        'http://backstage.test/api/tech-insights/checks/run/default/API/petstore',
      );
      expect(request.method).toBe('POST');
      expect(request.headers.get('authorization')).toBe('Bearer user-token');
      expect(await request.json()).toEqual({
        checks: [
          'defenderApisOnboardedCheck',
          'defenderApisNoUnauthenticatedEndpointsCheck',
          'defenderApisNoHighAlertsCheck',
        ],
      });
    } finally {
      fetch.mockRestore();
    }
  });

  it('is hidden when the tech-insights backend is not installed (404)', async () => {
    const fetch = jest
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(
        jsonResponse(
          { error: { name: 'NotFoundError', message: 'Not found' } },
          404,
        ),
      );
    try {
      await renderCard([
        [discoveryApiRef, discoveryApi],
        [identityApiRef, identityApi],
      ]);
      await expectNoScorecard(fetch);
    } finally {
      fetch.mockRestore();
    }
  });

  it('is hidden on a network error', async () => {
    const runChecks = jest
      .fn()
      .mockRejectedValue(new TypeError('Failed to fetch'));
    await renderCard(withTechInsights(runChecks));
    await expectNoScorecard(runChecks);
  });

  it('is hidden when the checks answer no results (no facts yet)', async () => {
    const runChecks = jest.fn().mockResolvedValue([]);
    await renderCard(withTechInsights(runChecks));
    await expectNoScorecard(runChecks);
  });
});
