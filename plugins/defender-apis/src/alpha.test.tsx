import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { defenderApisApiRef } from './api';
import {
  apiEntity,
  fakeDefenderApi,
  notOnboardedPosture,
  posture,
  summary,
} from './__testUtils__/postures';
import defenderApisPlugin, {
  defenderApisGovernancePage,
  defenderApisOverviewEntityCard,
} from './alpha';

jest.setTimeout(30_000);

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
    // The page's lazy parts load after the heading: on a loaded CI machine that can take
    // longer than findBy's default second.
    expect(
      await screen.findByText('APIs (1)', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Petstore API' })).toHaveAttribute(
      'href',
      '/catalog/default/api/petstore',
    );
  });
});

describe('defenderApisOverviewEntityCard (new frontend system)', () => {
  const entityOfKind = (kind: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'payments', namespace: 'default' },
  });

  it('is one of the plugin extensions', () => {
    expect(
      defenderApisPlugin.getExtension(
        'entity-card:defender-apis/defender-apis-overview',
      ),
    ).toBeDefined();
  });

  it('shows on Group and System pages only', () => {
    const tester = createExtensionTester(defenderApisOverviewEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(entityOfKind('Group'))).toBe(true);
    expect(filter?.(entityOfKind('System'))).toBe(true);
    expect(filter?.(apiEntity())).toBe(false);
    expect(filter?.(entityOfKind('Component'))).toBe(false);
  });

  it("renders the system's overview", async () => {
    const tester = createExtensionTester(defenderApisOverviewEntityCard);
    const defenderApi = fakeDefenderApi({
      listPostures: jest.fn().mockResolvedValue({
        items: [notOnboardedPosture({ title: 'Petstore API' })],
        totalItems: 1,
        offset: 0,
        limit: 50,
      }),
      getSummary: jest.fn().mockResolvedValue(
        summary(
          { protected: 1, notOnboarded: 1 },
          {
            bySystem: {
              'system:default/payments': { protected: 1, notOnboarded: 1 },
            },
          },
        ),
      ),
    });
    renderInTestApp(
      <EntityProvider entity={entityOfKind('System')}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[defenderApisApiRef, defenderApi]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByText('1 of 2 applicable APIs onboarded (50%)'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Petstore API' })).toHaveAttribute(
      'href',
      '/catalog/default/api/petstore',
    );
    expect(defenderApi.listPostures).toHaveBeenCalledWith(
      expect.objectContaining({ system: ['system:default/payments'] }),
    );
  });
});
