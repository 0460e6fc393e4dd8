import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { ShadowApi } from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi, defenderApisApiRef } from '../../../api';
import {
  fakeDefenderApi,
  posture,
  summary,
} from '../../../__testUtils__/postures';
import { fakeListPostures } from '../../../__testUtils__/fakePostureList';
import { DefenderApisGovernancePage } from '../DefenderApisGovernancePage';

jest.setTimeout(15_000);

const SERVICE_ID =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/contoso-payments-apim';

function shadow(apiId: string, extra: Partial<ShadowApi> = {}): ShadowApi {
  return {
    resourceId: `${SERVICE_ID}/apis/${apiId}`,
    subscriptionId: '11111111-1111-1111-1111-111111111111',
    resourceGroup: 'rg-payments',
    serviceName: 'contoso-payments-apim',
    apiId,
    onboarded: false,
    applicable: true,
    portalUrl: `https://portal.azure.com/#resource${SERVICE_ID}/apis/${apiId}`,
    readAt: new Date().toISOString(),
    ...extra,
  };
}

const SHADOW = [
  shadow('internal-admin-api', {
    displayName: 'Internal Admin API',
    onboarded: true,
    collectionState: 'Succeeded',
  }),
  shadow('store-locator-api', {
    displayName: 'Store Locator API',
    apiType: 'graphql',
    applicable: false,
    notApplicable: {
      cause: 'apiType',
      reason:
        'This is a GraphQL API; Defender for APIs protects REST APIs only.',
    },
  }),
];

function backend(listShadowApis: jest.Mock) {
  return fakeDefenderApi({
    listPostures: fakeListPostures([posture()]),
    getSummary: jest
      .fn()
      .mockResolvedValue(summary({ protected: 1 }, { byOwner: {} })),
    listShadowApis,
  });
}

const shadowAnswer = jest.fn(async (query: { limit?: number }) => ({
  items: query.limit === 0 ? [] : SHADOW,
  totalItems: SHADOW.length,
  limit: query.limit ?? 100,
  readAt: new Date().toISOString(),
}));

async function renderPage(defenderApi: DefenderApisApi) {
  const identityApi = {
    getBackstageIdentity: async () => ({
      type: 'user' as const,
      userEntityRef: 'user:default/paula',
      ownershipEntityRefs: [
        'user:default/paula',
        'group:default/team-payments',
      ],
    }),
    getProfileInfo: async () => ({}),
    getCredentials: async () => ({}),
    signOut: async () => {},
  };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [defenderApisApiRef, defenderApi],
        [identityApiRef, identityApi],
      ]}
    >
      <DefenderApisGovernancePage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('the shadow APIs of the governance page', () => {
  it('counts them in a tile and a tab, lists them on the tab, and gives a catalog-info.yaml to claim one', async () => {
    const defenderApi = backend(shadowAnswer);
    await renderPage(defenderApi);

    const tile = await screen.findByRole('group', { name: 'Shadow APIs' });
    expect(within(tile).getByText('2')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Shadow APIs (2)' }));

    expect(await screen.findByText('Internal Admin API')).toBeInTheDocument();
    expect(screen.getByText('Store Locator API')).toBeInTheDocument();
    expect(
      screen.getByText(
        'No: This is a GraphQL API; Defender for APIs protects REST APIs only.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Internal Admin API/ }),
    ).toHaveAttribute('href', SHADOW[0].portalUrl);

    await userEvent.click(
      screen.getByRole('button', {
        name: 'catalog-info.yaml for Internal Admin API',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await waitFor(() =>
      expect(dialog).toHaveTextContent('owner: "group:default/team-payments"'),
    );
    expect(dialog).toHaveTextContent(
      `azure.com/api-management-api: "${SHADOW[0].resourceId}"`,
    );
    expect(dialog).toHaveTextContent('kind: API');

    const owner = within(dialog).getByLabelText('Owner');
    await userEvent.clear(owner);
    await userEvent.type(owner, 'group:default/team-admin');
    expect(dialog).toHaveTextContent('owner: "group:default/team-admin"');
  });

  it('sends the filters to the backend', async () => {
    const defenderApi = backend(shadowAnswer);
    await renderPage(defenderApi);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Shadow APIs (2)' }),
    );
    await screen.findByText('Internal Admin API');
    await userEvent.selectOptions(
      screen.getByLabelText('Onboarded'),
      'Not onboarded',
    );
    await waitFor(() =>
      expect(shadowAnswer).toHaveBeenLastCalledWith(
        expect.objectContaining({ onboarded: false, offset: 0 }),
      ),
    );
  });

  it('shows no tile and no tab to a user the backend does not show them to', async () => {
    const forbidden = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'not for you' },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    const defenderApi = backend(jest.fn().mockRejectedValue(forbidden));
    await renderPage(defenderApi);
    await screen.findByRole('group', { name: 'Coverage' });
    await waitFor(() => expect(defenderApi.listShadowApis).toHaveBeenCalled());
    expect(screen.queryByRole('group', { name: 'Shadow APIs' })).toBeNull();
    expect(screen.queryByRole('tab')).toBeNull();
  });
});
