import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
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
  onboardingBatch,
  posture,
  summary,
} from '../../__testUtils__/postures';
import { fakeListPostures } from '../../__testUtils__/fakePostureList';
import {
  DefenderApisGovernancePage,
  DefenderApisGovernancePageProps,
} from './DefenderApisGovernancePage';
import { SEARCH_DEBOUNCE_MS } from './SearchField';

const PAYMENTS = 'group:default/team-payments';
const ORDERS = 'group:default/team-orders';
const PAYMENTS_SYSTEM = 'system:default/payments';
const RETAIL = 'system:default/retail';

const api = (apiId: string, displayName: string) => ({
  ...posture().api!,
  apiId,
  displayName,
  serviceName: 'contoso-apim',
});

/** List answers carry owners, title and system. */
const POSTURES: ApiPosture[] = [
  posture({ entityRef: 'api:default/petstore', title: 'Petstore' }),
  posture({
    entityRef: 'api:default/orders',
    status: 'atRisk',
    owners: [ORDERS],
    system: RETAIL,
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
    owners: [ORDERS],
    system: RETAIL,
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
];

const SUMMARY: PostureSummary = summary(
  { protected: 1, atRisk: 1, notApplicable: 1, planDisabled: 1 },
  {
    byOwner: {
      [PAYMENTS]: { protected: 1, planDisabled: 1 },
      [ORDERS]: { atRisk: 1, notApplicable: 1 },
    },
    bySystem: {
      [PAYMENTS_SYSTEM]: { protected: 1, planDisabled: 1 },
      [RETAIL]: { atRisk: 1, notApplicable: 1 },
    },
  },
);

/** A backend that filters, sorts and pages `postures` and answers `summaryAnswer`. */
function backend(
  postures: ApiPosture[] = POSTURES,
  summaryAnswer: PostureSummary = SUMMARY,
) {
  return fakeDefenderApi({
    listPostures: fakeListPostures(postures),
    getSummary: jest.fn().mockResolvedValue(summaryAnswer),
  });
}

async function renderPage(
  defenderApi: DefenderApisApi = backend(),
  pageProps: DefenderApisGovernancePageProps = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[defenderApisApiRef, defenderApi]]}>
      <DefenderApisGovernancePage {...pageProps} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** The queries the page sent to `GET /posture`, in order. */
const listCalls = (defenderApi: DefenderApisApi) =>
  (defenderApi.listPostures as jest.Mock).mock.calls.map(([query]) => query);

const lastListCall = (defenderApi: DefenderApisApi) =>
  listCalls(defenderApi).at(-1);

const tile = (label: string) => screen.getByRole('group', { name: label });

/** The table under the given title. */
function tableTitled(title: string): HTMLElement {
  const paper = screen
    .getByRole('heading', { name: title })
    .closest('[class*="MuiPaper-root"]') as HTMLElement;
  return within(paper).getByRole('table');
}

/** The posture table: the one with an APIM service column. */
function posturesTable(): HTMLElement {
  const table = screen
    .getAllByRole('table')
    .find(t => within(t).queryByText('APIM service'));
  if (!table) throw new Error('No posture table');
  return table;
}

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

/** The sort label in a column header, absent when the column cannot be sorted. */
function sortLabel(column: string): HTMLElement | null {
  const header = within(posturesTable()).getByRole('columnheader', {
    name: column,
  });
  return header.querySelector('[class*="MuiTableSortLabel-root"]');
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

/** Records the CSV downloads of `run`: the file names and the texts. */
async function captureDownloads(run: () => Promise<void>) {
  const createObjectURL = jest.fn((_blob: Blob) => 'blob:postures');
  const original = {
    createObjectURL: URL.createObjectURL,
    revokeObjectURL: URL.revokeObjectURL,
  };
  Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
  const names: string[] = [];
  const click = jest
    .spyOn(HTMLAnchorElement.prototype, 'click')
    .mockImplementation(function recordClick(this: HTMLAnchorElement) {
      names.push(this.download);
    });
  try {
    await run();
    const texts = await Promise.all(
      createObjectURL.mock.calls.map(async ([blob]) => {
        expect(blob.type).toBe('text/csv;charset=utf-8');
        return (await blobText(blob)).replace(/^\uFEFF/, '');
      }),
    );
    return { names, texts };
  } finally {
    click.mockRestore();
    Object.assign(URL, original);
  }
}

// material-table renders slowly in jsdom: a test that filters, types and sorts takes seconds on
// a busy machine (CI runs two suites at once), and the page now draws its history card too.
jest.setTimeout(40_000);

describe('DefenderApisGovernancePage', () => {
  it('shows the header and progress while the summary loads', async () => {
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
  });

  it("shows the counts and the backend's coverage of the APIs it applies to", async () => {
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

  it('says how many APIs no refresh has checked yet and when they are read, and only then', async () => {
    const nextReadAt = new Date(2026, 11, 7, 14, 5).toISOString();
    await renderPage(backend(POSTURES, { ...SUMMARY, pending: 3, nextReadAt }));
    const expectedTime = new Date(nextReadAt).toLocaleTimeString(undefined, {
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(await screen.findByTestId('pending-notice')).toHaveTextContent(
      `3 APIs are not read yet and not counted here; next read at ${expectedTime}.`,
    );
    expect(expectedTime).toMatch(/05/);
    expect(within(tile('APIs')).getByText('4')).toBeInTheDocument();
  });

  it('shows no notice when the summary is complete', async () => {
    await renderPage(backend(POSTURES, { ...SUMMARY, pending: 0 }));
    await screen.findByRole('group', { name: 'Coverage' });
    expect(screen.queryByTestId('pending-notice')).not.toBeInTheDocument();
  });

  it('says the APIs are not read yet, not that the catalog has none, right after a first start', async () => {
    await renderPage(
      backend([], {
        ...SUMMARY,
        total: 0,
        onboarded: 0,
        applicable: 0,
        pending: 1,
      }),
    );
    // An answer without the time still says when, roughly.
    expect(await screen.findByTestId('pending-notice')).toHaveTextContent(
      '1 API is not read yet and not counted here; usually read within a minute.',
    );
    expect(
      screen.queryByText('No API entities in the catalog'),
    ).not.toBeInTheDocument();
  });

  it('takes the coverage figures from the summary as they are', async () => {
    await renderPage(
      backend(POSTURES, {
        ...SUMMARY,
        onboarded: 1,
        applicable: 4,
        postureCovered: 1,
      }),
    );

    await screen.findByRole('group', { name: 'Coverage' });
    expect(within(tile('Coverage')).getByText('25%')).toBeInTheDocument();
    expect(
      within(tile('Coverage')).getByText('1 of 4 applicable APIs onboarded'),
    ).toBeInTheDocument();
  });

  it("shows each subscription's plan and how its API traffic fits it, and no table without plans", async () => {
    await renderPage(
      backend(POSTURES, {
        ...SUMMARY,
        plans: [
          {
            enabled: true,
            subPlan: 'P1',
            subscriptionId: 'sub-prod',
            traffic: {
              requestsLast30Days: 1_250_000,
              entitlement: 1_000_000,
              verdict: 'exceeds',
              suggestedPlan: 'P2',
            },
          },
          { enabled: false, subscriptionId: 'sub-dev' },
        ],
      }),
    );

    expect(
      await screen.findByText('Plans and API traffic'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '1.25M of 1M calls in P1 — exceeds the plan; move to P2',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Plan off: nothing to fit')).toBeInTheDocument();
  });

  it('shows no plan table when the summary has no plans', async () => {
    await renderPage();
    await screen.findByText('Coverage by owner');
    expect(screen.queryByText('Plans and API traffic')).not.toBeInTheDocument();
  });

  it('lists coverage per owner and per system, worst first', async () => {
    await renderPage();

    await screen.findByText('Coverage by owner');
    const cells = (row: HTMLElement) =>
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent);

    const owners = within(tableTitled('Coverage by owner'))
      .getAllByRole('row')
      .slice(1);
    expect(owners.map(cells)).toEqual([
      ['team-payments', '2', '1', '0', '1', '50%'],
      ['team-orders', '2', '0', '1', '0', '100%'],
    ]);
    expect(within(owners[0]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/group/team-payments',
    );

    const systems = within(tableTitled('Coverage by system'))
      .getAllByRole('row')
      .slice(1);
    expect(systems.map(cells)).toEqual([
      ['payments', '2', '1', '0', '1', '50%'],
      ['retail', '2', '0', '1', '0', '100%'],
    ]);
    expect(within(systems[0]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/system/payments',
    );
  });

  it('reads one page at load and lists its APIs with status, owners, system and figures', async () => {
    const defenderApi = backend();
    await renderPage(defenderApi);

    await screen.findByText('APIs (4)');
    expect(listCalls(defenderApi)).toEqual([{ offset: 0, limit: 20 }]);
    expect(apiNames()).toHaveLength(4);

    const petstore = rowOf('Petstore');
    expect(
      within(petstore).getByRole('link', { name: 'Petstore' }),
    ).toHaveAttribute('href', '/catalog/default/api/petstore');
    expect(within(petstore).getByLabelText('Status ok')).toHaveTextContent(
      'Protected',
    );
    expect(
      within(petstore).getByRole('link', { name: 'team-payments' }),
    ).toHaveAttribute('href', '/catalog/default/group/team-payments');
    expect(
      within(petstore).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/system/payments');
    expect(within(petstore).getByText('production')).toBeInTheDocument();
    expect(within(petstore).getByText('0 / 14')).toBeInTheDocument();
    expect(within(petstore).getByText('On P1')).toBeInTheDocument();
    expect(within(petstore).getByText('12 minutes ago')).toBeInTheDocument();
    expect(within(petstore).queryByText('stale')).not.toBeInTheDocument();

    // No title: the APIM display name.
    const orders = rowOf('Orders API');
    expect(within(orders).getByLabelText('Status error')).toHaveTextContent(
      'At risk',
    );
    expect(within(orders).getByText('team-orders')).toBeInTheDocument();
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

  it('has the backend sort the columns it can sort, and only those', async () => {
    const defenderApi = backend();
    await renderPage(defenderApi);
    await screen.findByText('APIs (4)');

    for (const column of ['APIM service', 'Open recommendations', 'Plan']) {
      expect(sortLabel(column)).toBeNull();
    }

    await userEvent.click(sortLabel('Status')!);
    await waitFor(() =>
      expect(lastListCall(defenderApi)).toEqual({
        sort: 'status',
        order: 'asc',
        offset: 0,
        limit: 20,
      }),
    );
    // The order the backend answers in: what needs attention first.
    await waitFor(() =>
      expect(apiNames()).toEqual([
        'Orders API',
        'Inventory API',
        'Petstore',
        'Legacy SOAP',
      ]),
    );

    await userEvent.click(sortLabel('Status')!);
    await waitFor(() =>
      expect(lastListCall(defenderApi)).toMatchObject({
        sort: 'status',
        order: 'desc',
      }),
    );

    // Another column keeps the direction (material-table's default).
    await userEvent.click(sortLabel('Active alerts')!);
    await waitFor(() =>
      expect(lastListCall(defenderApi)).toMatchObject({
        sort: 'highAlerts',
        order: 'desc',
      }),
    );
  });

  it('sends the status, owner and system filters to the backend', async () => {
    const defenderApi = backend();
    await renderPage(defenderApi);
    await screen.findByText('APIs (4)');

    await userEvent.selectOptions(
      screen.getByLabelText('Status'),
      screen.getByRole('option', { name: 'At risk (1)' }),
    );
    expect(await screen.findByText('APIs (1)')).toBeInTheDocument();
    expect(lastListCall(defenderApi)).toEqual({
      status: ['atRisk'],
      offset: 0,
      limit: 20,
    });
    expect(apiNames()).toEqual(['Orders API']);

    await userEvent.selectOptions(screen.getByLabelText('Status'), '');
    await userEvent.selectOptions(
      screen.getByLabelText('Owner'),
      screen.getByRole('option', { name: 'team-payments (2)' }),
    );
    expect(await screen.findByText('APIs (2)')).toBeInTheDocument();
    expect(lastListCall(defenderApi)).toEqual({
      owner: [PAYMENTS],
      offset: 0,
      limit: 20,
    });
    expect(apiNames()).toEqual(['Inventory API', 'Petstore']);

    await userEvent.selectOptions(
      screen.getByLabelText('System'),
      screen.getByRole('option', { name: 'retail (2)' }),
    );
    await screen.findByText('APIs (0)');
    expect(lastListCall(defenderApi)).toEqual({
      owner: [PAYMENTS],
      system: [RETAIL],
      offset: 0,
      limit: 20,
    });
    expect(screen.getByText('No APIs match the filters.')).toBeInTheDocument();

    await userEvent.selectOptions(
      screen.getByLabelText('Attack paths'),
      screen.getByRole('option', { name: 'On an attack path' }),
    );
    await waitFor(() =>
      expect(lastListCall(defenderApi)).toEqual({
        owner: [PAYMENTS],
        system: [RETAIL],
        onAttackPath: true,
        offset: 0,
        limit: 20,
      }),
    );
    // No domain in this catalog: no domain filter.
    expect(screen.queryByLabelText('Domain')).not.toBeInTheDocument();
  });

  it('sends the search as q once typing pauses', async () => {
    const defenderApi = backend();
    await renderPage(defenderApi);
    await screen.findByText('APIs (4)');

    await userEvent.type(screen.getByLabelText('Search'), ' soap ');
    await waitFor(() => expect(apiNames()).toEqual(['Legacy SOAP']), {
      timeout: SEARCH_DEBOUNCE_MS + 10_000,
    });
    // One request for the settled text, none per key.
    expect(listCalls(defenderApi).slice(1)).toEqual([
      { q: 'soap', offset: 0, limit: 20 },
    ]);
  });

  it('reads the next page from the backend, and the first again when a filter changes', async () => {
    const many = Array.from({ length: 25 }, (_, i) =>
      posture({
        entityRef: `api:default/api-${String(i).padStart(2, '0')}`,
        title: `API ${String(i).padStart(2, '0')}`,
      }),
    );
    const defenderApi = backend(many, summary({ protected: 25 }));
    await renderPage(defenderApi);
    await screen.findByText('APIs (25)');
    expect(apiNames()).toHaveLength(20);

    await userEvent.click(screen.getByRole('button', { name: 'Next Page' }));
    await waitFor(() =>
      expect(apiNames()).toEqual([
        'API 20',
        'API 21',
        'API 22',
        'API 23',
        'API 24',
      ]),
    );
    expect(lastListCall(defenderApi)).toEqual({ offset: 20, limit: 20 });

    await userEvent.selectOptions(
      screen.getByLabelText('Status'),
      screen.getByRole('option', { name: 'Protected (25)' }),
    );
    await waitFor(() =>
      expect(lastListCall(defenderApi)).toEqual({
        status: ['protected'],
        offset: 0,
        limit: 20,
      }),
    );
    await waitFor(() => expect(apiNames()).toHaveLength(20));
  });

  it('shows a failed page in a ResponseErrorPanel inside the table', async () => {
    const defenderApi = backend();
    defenderApi.listPostures.mockRejectedValue(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: { name: 'InputError', message: 'Invalid sort' },
            response: { statusCode: 400 },
          }),
          {
            status: 400,
            statusText: 'Bad Request',
            headers: { 'content-type': 'application/json' },
          },
        ),
      ),
    );
    await renderPage(defenderApi);

    expect(
      await within(posturesTable()).findByText(
        /Request failed with 400 Bad Request/,
      ),
    ).toBeInTheDocument();
    expect(tile('Coverage')).toBeInTheDocument();
  });

  it('exports as CSV every API the filters, the search and the sort select, read from the backend on click', async () => {
    const defenderApi = backend();
    await renderPage(defenderApi);
    await screen.findByText('APIs (4)');
    await userEvent.selectOptions(
      screen.getByLabelText('Owner'),
      screen.getByRole('option', { name: 'team-orders (2)' }),
    );
    await userEvent.type(screen.getByLabelText('Search'), 'soap');
    await waitFor(() => expect(apiNames()).toEqual(['Legacy SOAP']), {
      timeout: SEARCH_DEBOUNCE_MS + 10_000,
    });
    await userEvent.click(sortLabel('Status')!);
    await waitFor(() =>
      expect(lastListCall(defenderApi)).toMatchObject({ sort: 'status' }),
    );
    const readsBefore = listCalls(defenderApi).length;

    const { names, texts } = await captureDownloads(async () => {
      await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));
      await waitFor(() =>
        expect(
          screen.getByRole('button', { name: /Export CSV/ }),
        ).toBeEnabled(),
      );
    });

    expect(listCalls(defenderApi).slice(readsBefore)).toEqual([
      {
        owner: [ORDERS],
        q: 'soap',
        sort: 'status',
        order: 'asc',
        limit: 500,
      },
    ]);
    expect(names).toEqual([
      expect.stringMatching(/^defender-apis-postures-\d{4}-\d{2}-\d{2}\.csv$/),
    ]);
    const lines = texts[0].split('\r\n');
    expect(lines[0]).toMatch(/^Entity,Name,Status,Reason,Owners,System,/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^api:default\/legacy-soap,Legacy SOAP,Not applicable,This is a SOAP API; Defender for APIs protects REST APIs only\.,group:default\/team-orders,system:default\/retail,/,
      ),
      '',
    ]);
  });

  it('exports every page, not only the one shown', async () => {
    const many = Array.from({ length: 501 }, (_, i) =>
      posture({ entityRef: `api:default/api-${String(i).padStart(3, '0')}` }),
    );
    const defenderApi = backend(many, summary({ protected: 501 }));
    await renderPage(defenderApi);
    await screen.findByText('APIs (501)');

    const { texts } = await captureDownloads(async () => {
      await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));
      await waitFor(() => expect(listCalls(defenderApi)).toHaveLength(3));
      await waitFor(() =>
        expect(
          screen.getByRole('button', { name: /Export CSV/ }),
        ).toBeEnabled(),
      );
    });

    expect(listCalls(defenderApi).slice(1)).toEqual([
      { limit: 500 },
      { limit: 500, cursor: '500' },
    ]);
    // The header, 501 APIs and the final line end.
    expect(texts[0].split('\r\n')).toHaveLength(503);
  });

  it('says so in a ResponseErrorPanel when the export cannot be read', async () => {
    const defenderApi = backend();
    await renderPage(defenderApi);
    await screen.findByText('APIs (4)');
    defenderApi.listPostures.mockRejectedValueOnce(new Error('backend down'));

    await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));

    expect(
      await screen.findByText(/Could not export the APIs/),
    ).toBeInTheDocument();
    expect(screen.getByText('backend down')).toBeInTheDocument();
  });

  it('shows a summary error in a ResponseErrorPanel', async () => {
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
    const defenderApi = backend([], summary());
    await renderPage(defenderApi);

    expect(
      await screen.findByText('No API entities in the catalog'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Coverage' })).toBeNull();
    expect(defenderApi.listPostures).not.toHaveBeenCalled();
  });

  const unprotected = (name: string, owner: string) =>
    notOnboardedPosture({
      entityRef: `api:default/${name}`,
      owners: [owner],
      api: api(name, name),
    });
  const WITH_UNPROTECTED = [
    ...POSTURES,
    unprotected('wallet', PAYMENTS),
    unprotected('fx', ORDERS),
  ];
  const SUMMARY_WITH_UNPROTECTED = summary(
    {
      protected: 1,
      atRisk: 1,
      notApplicable: 1,
      planDisabled: 1,
      notOnboarded: 2,
    },
    {
      byOwner: {
        [PAYMENTS]: { protected: 1, planDisabled: 1, notOnboarded: 1 },
        [ORDERS]: { atRisk: 1, notApplicable: 1, notOnboarded: 1 },
      },
    },
  );

  it('hands the unprotected APIs the filters select, read when asked, to the backend as a batch, shows its progress, and reads the page again', async () => {
    const defenderApi = backend(WITH_UNPROTECTED, SUMMARY_WITH_UNPROTECTED);
    const refused = {
      entityRef: 'api:default/fx',
      outcome: 'refused' as const,
      reason: 'Only the owners of api:default/fx may onboard it',
    };
    defenderApi.onboardBatch.mockResolvedValue(
      onboardingBatch([
        refused,
        {
          entityRef: 'api:default/wallet',
          outcome: 'queued',
          operation: { state: 'queued' },
        },
      ]),
    );
    defenderApi.getOnboardingBatch.mockResolvedValue(
      onboardingBatch([
        refused,
        {
          entityRef: 'api:default/wallet',
          outcome: 'queued',
          operation: { state: 'succeeded' },
        },
      ]),
    );
    await renderPage(defenderApi, { bulkOnboardPollMs: 10 });
    await screen.findByText('APIs (6)');
    const readsBefore = listCalls(defenderApi).length;

    await userEvent.click(
      screen.getByRole('button', { name: 'Onboard unprotected' }),
    );
    const dialog = screen.getByRole('dialog');
    await within(dialog).findByText('Onboard 2 APIs to Defender for APIs?');
    expect(listCalls(defenderApi).slice(readsBefore)).toEqual([
      { status: ['notOnboarded'], limit: 500 },
    ]);
    expect(dialog).toHaveTextContent(/defenderApis.onboarding.pace/);
    expect(defenderApi.onboardBatch).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Onboard 2' }),
    );
    expect(
      await within(dialog).findByText(
        'Refused: Only the owners of api:default/fx may onboard it',
      ),
    ).toBeInTheDocument();
    expect(defenderApi.onboardBatch.mock.calls).toEqual([
      [['api:default/fx', 'api:default/wallet']],
    ]);
    expect(await within(dialog).findByText('Onboarded')).toBeInTheDocument();
    expect(defenderApi.getOnboardingBatch).toHaveBeenCalledWith(
      onboardingBatch([]).id,
    );
    expect(defenderApi.onboard).not.toHaveBeenCalled();

    const pageReads = listCalls(defenderApi).length;
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(listCalls(defenderApi).length).toBeGreaterThan(pageReads),
    );
    expect(lastListCall(defenderApi)).toEqual({ offset: 0, limit: 20 });
    await waitFor(() =>
      expect(defenderApi.getSummary).toHaveBeenCalledTimes(2),
    );
  });

  it('cancels what has not started of a batch', async () => {
    const defenderApi = backend(WITH_UNPROTECTED, SUMMARY_WITH_UNPROTECTED);
    const queued = onboardingBatch([
      {
        entityRef: 'api:default/fx',
        outcome: 'queued',
        operation: { state: 'queued' },
      },
      {
        entityRef: 'api:default/wallet',
        outcome: 'queued',
        operation: { state: 'queued' },
      },
    ]);
    defenderApi.onboardBatch.mockResolvedValue(queued);
    defenderApi.getOnboardingBatch.mockResolvedValue(queued);
    defenderApi.cancelOnboardingBatch.mockResolvedValue(
      onboardingBatch(
        [
          {
            entityRef: 'api:default/fx',
            outcome: 'queued',
            operation: { state: 'running' },
          },
          {
            entityRef: 'api:default/wallet',
            outcome: 'cancelled',
            reason: 'Cancelled before it started.',
          },
        ],
        { cancelledAt: '2026-11-24T09:01:00.000Z' },
      ),
    );
    await renderPage(defenderApi, { bulkOnboardPollMs: 60_000 });
    await screen.findByText('APIs (6)');
    await userEvent.click(
      screen.getByRole('button', { name: 'Onboard unprotected' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Onboard 2' }),
    );
    await userEvent.click(
      await within(dialog).findByRole('button', {
        name: 'Cancel what has not started',
      }),
    );
    expect(
      await within(dialog).findByText('Cancelled before it started'),
    ).toBeInTheDocument();
    expect(defenderApi.cancelOnboardingBatch).toHaveBeenCalledWith(queued.id);
    expect(within(dialog).getByText('Onboarding')).toBeInTheDocument();
  });

  it('narrows bulk onboarding with the filters and the search', async () => {
    const defenderApi = backend(WITH_UNPROTECTED, SUMMARY_WITH_UNPROTECTED);
    await renderPage(defenderApi, { bulkOnboardPollMs: 10 });
    await screen.findByText('APIs (6)');
    await userEvent.selectOptions(
      screen.getByLabelText('Owner'),
      screen.getByRole('option', { name: 'team-payments (3)' }),
    );
    await screen.findByText('APIs (3)');

    await userEvent.click(
      screen.getByRole('button', { name: 'Onboard unprotected' }),
    );
    const dialog = screen.getByRole('dialog');
    await within(dialog).findByText('Onboard 1 API to Defender for APIs?');
    expect(lastListCall(defenderApi)).toEqual({
      owner: [PAYMENTS],
      status: ['notOnboarded'],
      limit: 500,
    });
    expect(within(dialog).getByText('wallet')).toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    expect(defenderApi.onboardBatch).not.toHaveBeenCalled();
  });

  it('says so when no unprotected API matches any more', async () => {
    const defenderApi = backend(POSTURES, SUMMARY_WITH_UNPROTECTED);
    await renderPage(defenderApi);
    await screen.findByText('APIs (4)');

    await userEvent.click(
      screen.getByRole('button', { name: 'Onboard unprotected' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(
      await within(dialog).findByText('No unprotected APIs match the filters'),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('button', { name: /^Onboard/ }),
    ).not.toBeInTheDocument();
  });

  it('offers no bulk onboarding when nothing is unprotected', async () => {
    await renderPage();
    expect(
      await screen.findByRole('button', { name: 'Onboard unprotected' }),
    ).toBeDisabled();
  });

  it('offers no bulk onboarding under a status filter other than unprotected', async () => {
    await renderPage(backend(WITH_UNPROTECTED, SUMMARY_WITH_UNPROTECTED));
    const button = await screen.findByRole('button', {
      name: 'Onboard unprotected',
    });
    expect(button).toBeEnabled();

    await userEvent.selectOptions(
      screen.getByLabelText('Status'),
      screen.getByRole('option', { name: 'At risk (1)' }),
    );
    expect(button).toBeDisabled();
    await userEvent.selectOptions(
      screen.getByLabelText('Status'),
      screen.getByRole('option', { name: 'Unprotected (2)' }),
    );
    expect(button).toBeEnabled();
  });
});
