import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  CatalogApi,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ApiPosture,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi, defenderApisApiRef } from '../../api';
import {
  fakeDefenderApi,
  minutesAgo,
  notOnboardedPosture,
  posture,
  summary,
} from '../../__testUtils__/postures';
import {
  DefenderApisGovernancePage,
  DefenderApisGovernancePageProps,
} from './DefenderApisGovernancePage';

const PAYMENTS = 'group:default/team-payments';
const ORDERS = 'group:default/team-orders';

function apiEntity(name: string, owner: string, title?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
    spec: { type: 'openapi', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const api = (apiId: string, displayName: string) => ({
  ...posture().api!,
  apiId,
  displayName,
  serviceName: 'contoso-apim',
});

/** List answers carry no caller-specific `access`, so owners come from the catalog. */
const POSTURES: ApiPosture[] = [
  posture({ entityRef: 'api:default/petstore' }),
  posture({
    entityRef: 'api:default/orders',
    status: 'atRisk',
    reason: '1 active high-severity alert; 2 endpoints unauthenticated.',
    api: api('orders-api', 'Orders API'),
    endpoints: {
      total: 10,
      unauthenticated: 2,
      inactive: 0,
      external: 0,
      sensitiveDataExposed: 0,
    },
    alerts: {
      active: 3,
      bySeverity: { high: 1, medium: 2, low: 0, informational: 0 },
      items: [],
    },
    recommendations: [
      {
        key: '91af2040-7874-4659-abf0-578e1f8d07dc',
        displayName: 'API endpoints should be authenticated',
        resourceId: '/x',
      },
    ],
    refreshedAt: minutesAgo(180),
    stale: true,
    staleReason: 'Azure answered 503',
  }),
  notOnboardedPosture({
    entityRef: 'api:default/legacy-soap',
    status: 'notApplicable',
    reason: 'This is a SOAP API; Defender for APIs protects REST APIs only.',
    api: api('legacy-soap', 'Legacy SOAP'),
    plan: undefined,
  }),
  notOnboardedPosture({
    entityRef: 'api:default/inventory',
    status: 'planDisabled',
    reason: 'The Defender for APIs plan is off on this subscription.',
    api: api('inventory-api', 'Inventory API'),
    plan: { enabled: false },
  }),
].map(({ access: _access, ...rest }) => rest);

const SUMMARY: PostureSummary = summary(
  { protected: 1, atRisk: 1, notApplicable: 1, planDisabled: 1 },
  {
    [PAYMENTS]: { total: 2, byStatus: { protected: 1, planDisabled: 1 } },
    [ORDERS]: { total: 2, byStatus: { atRisk: 1, notApplicable: 1 } },
  },
);

const ENTITIES = [
  apiEntity('petstore', PAYMENTS, 'Petstore'),
  apiEntity('orders', ORDERS),
  apiEntity('legacy-soap', ORDERS),
  apiEntity('inventory', PAYMENTS),
];

function backend(
  postures: ApiPosture[] = POSTURES,
  summaryAnswer: PostureSummary = SUMMARY,
) {
  return fakeDefenderApi({
    listPostures: jest.fn(async ({ offset = 0, limit = 100 } = {}) => ({
      items: postures.slice(offset, offset + limit),
      totalItems: postures.length,
      offset,
      limit,
    })),
    getSummary: jest.fn().mockResolvedValue(summaryAnswer),
  });
}

async function renderPage(
  defenderApi: DefenderApisApi = backend(),
  catalogApi: CatalogApi = catalogApiMock({ entities: ENTITIES }),
  pageProps: DefenderApisGovernancePageProps = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [defenderApisApiRef, defenderApi],
        [catalogApiRef, catalogApi],
      ]}
    >
      <DefenderApisGovernancePage {...pageProps} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const tile = (label: string) => screen.getByRole('group', { name: label });

/** The table whose header has the given column. */
function tableWith(column: string): HTMLElement {
  const table = screen
    .getAllByRole('table')
    .find(t => within(t).queryByText(column));
  if (!table) throw new Error(`No table with a ${column} column`);
  return table;
}

const posturesTable = () => tableWith('APIM service');
const ownersTable = () => tableWith('Not onboarded');

/** The API names of the posture table's body rows, in order. */
function apiNames(): string[] {
  return within(posturesTable())
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).queryAllByRole('link')[0]?.textContent ?? '');
}

function rowOf(name: string): HTMLElement {
  return within(posturesTable())
    .getByRole('link', { name })
    .closest('tr') as HTMLElement;
}

/** The text of a Blob, whichever Blob implementation the test environment gives. */
async function blobText(blob: Blob): Promise<string> {
  if (typeof blob.text === 'function') return blob.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe('DefenderApisGovernancePage', () => {
  it('shows the header and progress while the postures load', async () => {
    const defenderApi = fakeDefenderApi({
      listPostures: jest.fn(() => new Promise(() => {})),
      getSummary: jest.fn(() => new Promise(() => {})),
    });
    await renderPage(defenderApi);

    expect(
      screen.getByRole('heading', { name: 'Defender for APIs' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Posture of every API in the catalog'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(defenderApi.listPostures).toHaveBeenCalledWith({
      offset: 0,
      limit: 500,
    });
  });

  it('shows the counts and the coverage of the APIs it applies to', async () => {
    await renderPage();

    await screen.findByRole('group', { name: 'Coverage' });
    expect(within(tile('APIs')).getByText('4')).toBeInTheDocument();
    // protected + at risk over 3 applicable APIs (not applicable left out).
    expect(within(tile('Coverage')).getByText('67%')).toBeInTheDocument();
    expect(
      within(tile('Coverage')).getByText('2 of 3 applicable APIs onboarded'),
    ).toBeInTheDocument();
    expect(within(tile('Protected')).getByText('1')).toBeInTheDocument();
    expect(within(tile('At risk')).getByText('1')).toBeInTheDocument();
    expect(within(tile('Not onboarded')).getByText('1')).toBeInTheDocument();
    expect(
      within(tile('Not onboarded')).getByText(
        '1 on subscriptions with the plan off',
      ),
    ).toBeInTheDocument();
    expect(within(tile('Awaiting data')).getByText('0')).toBeInTheDocument();
    expect(within(tile('Not applicable')).getByText('1')).toBeInTheDocument();
    expect(
      within(tile('Unmapped or error')).getByText('0'),
    ).toBeInTheDocument();
  });

  it('lists coverage per owner, worst first', async () => {
    await renderPage();

    await screen.findByText('Coverage by owner');
    const rows = within(ownersTable()).getAllByRole('row').slice(1);
    expect(rows.map(r => within(r).getByRole('link').textContent)).toEqual([
      'team-payments',
      'team-orders',
    ]);
    const cells = (row: HTMLElement) =>
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent);
    expect(cells(rows[0])).toEqual([
      'team-payments',
      '2',
      '1',
      '0',
      '1',
      '50%',
    ]);
    expect(cells(rows[1])).toEqual(['team-orders', '2', '0', '1', '0', '100%']);
    expect(within(rows[0]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/group/team-payments',
    );
  });

  it('lists every API with its status, owners and figures, linked to its entity page', async () => {
    await renderPage();

    await screen.findByText('APIs (4)');
    expect(apiNames()).toHaveLength(4);

    const petstore = rowOf('Petstore');
    expect(
      within(petstore).getByRole('link', { name: 'Petstore' }),
    ).toHaveAttribute('href', '/catalog/default/api/petstore');
    expect(within(petstore).getByLabelText('Status ok')).toHaveTextContent(
      'Protected',
    );
    expect(within(petstore).getByText('team-payments')).toBeInTheDocument();
    expect(within(petstore).getByText('0 / 14')).toBeInTheDocument();
    expect(within(petstore).getByText('On P1')).toBeInTheDocument();
    expect(within(petstore).getByText('12 minutes ago')).toBeInTheDocument();
    expect(within(petstore).queryByText('stale')).not.toBeInTheDocument();

    // No catalog title: the APIM display name.
    const orders = rowOf('Orders API');
    expect(within(orders).getByLabelText('Status error')).toHaveTextContent(
      'At risk',
    );
    expect(within(orders).getByText('2 / 10')).toBeInTheDocument();
    expect(within(orders).getByTestId('high-alerts')).toHaveTextContent(
      '3 (1 high)',
    );
    expect(within(orders).getByText('3 hours ago')).toBeInTheDocument();
    expect(within(orders).getByText('stale')).toHaveAttribute(
      'title',
      'The last refresh from Azure failed: Azure answered 503',
    );

    const soap = rowOf('Legacy SOAP');
    expect(within(soap).getByTitle(/SOAP API/)).toHaveTextContent(
      'Not applicable',
    );
    expect(within(soap).queryByText(/ \/ /)).not.toBeInTheDocument();

    const inventory = rowOf('Inventory API');
    expect(within(inventory).getByText('Plan off')).toBeInTheDocument();
    expect(within(inventory).getByText('Off')).toBeInTheDocument();
  });

  it('sorts by status from the one that needs attention most', async () => {
    await renderPage();
    await screen.findByText('APIs (4)');

    // The column header's sort label.
    await userEvent.click(
      within(posturesTable()).getByRole('columnheader', { name: 'Status' })
        .firstElementChild as HTMLElement,
    );
    expect(apiNames()).toEqual([
      'Orders API',
      'Inventory API',
      'Petstore',
      'Legacy SOAP',
    ]);
  });

  it('narrows the rows with the status filter and the owner filter', async () => {
    await renderPage();
    await screen.findByText('APIs (4)');

    await userEvent.selectOptions(
      screen.getByLabelText('Status'),
      screen.getByRole('option', { name: 'At risk (1)' }),
    );
    expect(await screen.findByText('APIs (1)')).toBeInTheDocument();
    expect(apiNames()).toEqual(['Orders API']);

    await userEvent.selectOptions(screen.getByLabelText('Status'), '');
    await userEvent.selectOptions(
      screen.getByLabelText('Owner'),
      screen.getByRole('option', { name: 'team-payments' }),
    );
    expect(await screen.findByText('APIs (2)')).toBeInTheDocument();
    expect(apiNames().sort()).toEqual(['Inventory API', 'Petstore']);
  });

  it('narrows the rows with the search box', async () => {
    await renderPage();
    await screen.findByText('APIs (4)');

    await userEvent.type(screen.getByPlaceholderText('Filter'), 'team-orders');
    await waitFor(() =>
      expect(apiNames().sort()).toEqual(['Legacy SOAP', 'Orders API']),
    );
  });

  it('exports the rows that pass the filters and the search as CSV', async () => {
    const createObjectURL = jest.fn((_blob: Blob) => 'blob:postures');
    const revokeObjectURL = jest.fn();
    const original = {
      createObjectURL: URL.createObjectURL,
      revokeObjectURL: URL.revokeObjectURL,
    };
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: Array<{ download: string; href: string }> = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordClick(this: HTMLAnchorElement) {
        clicked.push({ download: this.download, href: this.href });
      });
    try {
      await renderPage();
      await screen.findByText('APIs (4)');
      await userEvent.selectOptions(
        screen.getByLabelText('Owner'),
        screen.getByRole('option', { name: 'team-orders' }),
      );
      await userEvent.type(screen.getByPlaceholderText('Filter'), 'soap');
      await waitFor(() => expect(apiNames()).toEqual(['Legacy SOAP']));

      await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));

      expect(clicked).toEqual([
        {
          download: expect.stringMatching(
            /^defender-apis-postures-\d{4}-\d{2}-\d{2}\.csv$/,
          ),
          href: 'blob:postures',
        },
      ]);
      const blob = createObjectURL.mock.calls[0][0];
      expect(blob.type).toBe('text/csv;charset=utf-8');
      const lines = (await blobText(blob)).replace(/^\uFEFF/, '').split('\r\n');
      expect(lines[0]).toMatch(/^Entity,Name,Status,Reason,Owners,/);
      expect(lines.slice(1)).toEqual([
        expect.stringMatching(
          /^api:default\/legacy-soap,Legacy SOAP,Not applicable,This is a SOAP API; Defender for APIs protects REST APIs only\.,group:default\/team-orders,/,
        ),
        '',
      ]);
    } finally {
      click.mockRestore();
      Object.assign(URL, original);
    }
  });

  it('shows the rows without owners and a warning when the catalog fails', async () => {
    const catalogApi = catalogApiMock.mock({
      getEntitiesByRefs: jest.fn().mockRejectedValue(new Error('catalog down')),
    });
    await renderPage(backend(), catalogApi);

    expect(
      await screen.findByText(
        'Could not read owners and titles from the catalog: catalog down',
      ),
    ).toBeInTheDocument();
    expect(apiNames()).toHaveLength(4);
    expect(
      within(rowOf('Petstore API')).queryByText('team-payments'),
    ).toBeNull();
    expect(screen.queryByLabelText('Owner')).not.toBeInTheDocument();
  });

  it('shows a backend error in a ResponseErrorPanel', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'Error', message: 'store unavailable' },
          response: { statusCode: 503 },
        }),
        {
          status: 503,
          statusText: 'Service Unavailable',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    const defenderApi = backend();
    defenderApi.getSummary.mockRejectedValue(error);
    await renderPage(defenderApi);

    expect(
      await screen.findByText(/Request failed with 503 Service Unavailable/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says so when the catalog has no API entities', async () => {
    await renderPage(backend([], summary()));

    expect(
      await screen.findByText('No API entities in the catalog'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Coverage' })).toBeNull();
  });

  it('onboards the unprotected APIs gradually, reports refusals, and reads postures again', async () => {
    const unprotected = (name: string) =>
      notOnboardedPosture({
        entityRef: `api:default/${name}`,
        api: api(name, name),
      });
    const { access: _a, ...wallet } = unprotected('wallet');
    const { access: _b, ...fx } = unprotected('fx');
    const defenderApi = backend([...POSTURES, wallet, fx]);
    (defenderApi.onboard as jest.Mock)
      .mockResolvedValueOnce({ ...wallet, status: 'onboarding' })
      .mockRejectedValueOnce(
        new Error('Only the owners of api:default/fx may onboard it'),
      );
    await renderPage(
      defenderApi,
      catalogApiMock({
        entities: [
          ...ENTITIES,
          apiEntity('wallet', PAYMENTS),
          apiEntity('fx', ORDERS),
        ],
      }),
      { bulkOnboardPaceMs: 0 },
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Onboard unprotected (2)' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('Onboard 2 APIs to Defender for APIs?');
    expect(dialog).toHaveTextContent(/one request every 0 seconds/);
    expect(defenderApi.onboard).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Onboard 2' }),
    );
    await within(dialog).findByText('2 of 2 requested');
    expect(
      (defenderApi.onboard as jest.Mock).mock.calls.map(([ref]) => ref.name),
    ).toEqual(['wallet', 'fx']);
    expect(within(dialog).getByText('Requested')).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'Refused: Only the owners of api:default/fx may onboard it',
      ),
    ).toBeInTheDocument();

    const readsBefore = (defenderApi.listPostures as jest.Mock).mock.calls
      .length;
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(
        (defenderApi.listPostures as jest.Mock).mock.calls.length,
      ).toBeGreaterThan(readsBefore),
    );
  });

  it('offers no bulk onboarding when nothing shown is unprotected', async () => {
    await renderPage();
    expect(
      await screen.findByRole('button', { name: 'Onboard unprotected (0)' }),
    ).toBeDisabled();
  });
});
