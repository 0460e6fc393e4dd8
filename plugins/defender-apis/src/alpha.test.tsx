import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { defenderApisApiRef } from './api';
import { fakeDefenderApi, posture, summary } from './__testUtils__/postures';
import { defenderApisGovernancePage } from './alpha';

describe('defenderApisGovernancePage (new frontend system)', () => {
  it('mounts the governance page at /defender-apis and renders it', async () => {
    const tester = createExtensionTester(defenderApisGovernancePage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/defender-apis');

    const defenderApi = fakeDefenderApi({
      listPostures: jest.fn().mockResolvedValue({
        items: [posture()],
        totalItems: 1,
        offset: 0,
        limit: 500,
      }),
      getSummary: jest.fn().mockResolvedValue(summary({ protected: 1 })),
    });
    renderInTestApp(tester.reactElement(), {
      apis: [
        [defenderApisApiRef, defenderApi],
        [catalogApiRef, catalogApiMock()],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    expect(
      await screen.findByRole('heading', { name: 'Defender for APIs' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('APIs (1)')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Petstore API' })).toHaveAttribute(
      'href',
      '/catalog/default/api/petstore',
    );
  });
});
