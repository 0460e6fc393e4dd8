import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  DiscoveryApi,
  discoveryApiRef,
  FetchApi,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { defenderApisApiRef } from '../../api';
import {
  apiEntity,
  fakeDefenderApi,
  posture,
} from '../../__testUtils__/postures';
import { EntityDefenderApisCard } from './EntityDefenderApisCard';

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

async function renderCard(fetch: jest.Mock) {
  const fetchApi: FetchApi = { fetch };
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          defenderApisApiRef,
          fakeDefenderApi({
            getPosture: jest.fn().mockResolvedValue(posture()),
          }),
        ],
        [discoveryApiRef, discoveryApi],
        [fetchApiRef, fetchApi],
      ]}
    >
      <EntityProvider entity={apiEntity()}>
        <EntityDefenderApisCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  await screen.findByTestId('posture-headline');
}

describe('ScorecardRow in EntityDefenderApisCard', () => {
  it('shows pass or fail of the three Defender for APIs checks for the entity', async () => {
    const fetch = jest.fn().mockResolvedValue(
      jsonResponse([
        // Another check the entity has, which the row leaves out.
        checkResult('someOtherCheck', 'Other', true),
        checkResult('defenderApisNoHighAlertsCheck', 'No high alerts', false),
        checkResult('defenderApisOnboardedCheck', 'Onboarded', true),
        checkResult(
          'defenderApisNoUnauthenticatedEndpointsCheck',
          'No unauthenticated endpoints',
          true,
        ),
      ]),
    );
    await renderCard(fetch);

    const row = await screen.findByTestId('defender-apis-scorecard');
    expect(within(row).getByText('Scorecard')).toBeInTheDocument();
    const items = within(row).getAllByRole('listitem');
    expect(items.map(item => item.getAttribute('aria-label'))).toEqual([
      'Onboarded: passed',
      'No unauthenticated endpoints: passed',
      'No high alerts: failed',
    ]);

    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(
      'http://backstage.test/api/tech-insights/checks/run/default/api/petstore',
    );
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body)).toEqual({
      checks: [
        'defenderApisOnboardedCheck',
        'defenderApisNoUnauthenticatedEndpointsCheck',
        'defenderApisNoHighAlertsCheck',
      ],
    });
  });

  it('is hidden when the tech-insights backend is not installed (404)', async () => {
    const fetch = jest
      .fn()
      .mockResolvedValue(
        jsonResponse(
          { error: { name: 'NotFoundError', message: 'Not found' } },
          404,
        ),
      );
    await renderCard(fetch);

    await waitFor(() => expect(fetch).toHaveBeenCalled());
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(
      screen.queryByTestId('defender-apis-scorecard'),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Scorecard')).not.toBeInTheDocument();
  });

  it('is hidden on a network error', async () => {
    const failing = jest
      .fn()
      .mockRejectedValue(new TypeError('Failed to fetch'));
    await renderCard(failing);
    await waitFor(() => expect(failing).toHaveBeenCalled());
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(
      screen.queryByTestId('defender-apis-scorecard'),
    ).not.toBeInTheDocument();
  });

  it('is hidden when the checks answer no results (no facts yet)', async () => {
    const empty = jest.fn().mockResolvedValue(jsonResponse([]));
    await renderCard(empty);
    await waitFor(() => expect(empty).toHaveBeenCalled());
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(
      screen.queryByTestId('defender-apis-scorecard'),
    ).not.toBeInTheDocument();
  });
});
