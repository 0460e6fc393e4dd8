import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import {
  ApiPosture,
  PostureList,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi, defenderApisApiRef } from '../../api';
import {
  apiEntity,
  fakeDefenderApi,
  notOnboardedPosture,
  onboardingBatch,
  posture,
  summary,
} from '../../__testUtils__/postures';
import { EntityDefenderApisOverviewCard } from './EntityDefenderApisOverviewCard';

const PAYMENTS = 'group:default/team-payments';
const PAYMENTS_SYSTEM = 'system:default/payments';

/** A Group entity; its name in mixed case, as people write them. */
function groupEntity(): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'Team-Payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  };
}

function systemEntity(): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { owner: PAYMENTS },
  };
}

const WALLET = posture({
  entityRef: 'api:default/wallet',
  title: 'Wallet API',
  status: 'atRisk',
  reason: '2 endpoints are unauthenticated.',
});
const FX = notOnboardedPosture({
  entityRef: 'api:default/fx',
  title: 'FX API',
});
const LEDGER = notOnboardedPosture({
  entityRef: 'api:default/ledger',
  title: 'Ledger API',
});
const RATES = notOnboardedPosture({
  entityRef: 'api:default/rates',
  title: 'Rates API',
});

/** Keys as the backend writes them: lower-cased entity refs. */
const SUMMARY = summary(
  { protected: 4, atRisk: 2, notOnboarded: 4, notApplicable: 1 },
  {
    byOwner: {
      [PAYMENTS]: {
        protected: 2,
        atRisk: 1,
        notOnboarded: 2,
        notApplicable: 1,
      },
      'group:default/team-retail': { protected: 2, atRisk: 1, notOnboarded: 2 },
    },
    bySystem: {
      [PAYMENTS_SYSTEM]: { protected: 1, atRisk: 1, notOnboarded: 3 },
    },
  },
);

function page(items: ApiPosture[]): PostureList {
  return { items, totalItems: items.length, offset: 0, limit: 50 };
}

function backend(items: ApiPosture[], answer: PostureSummary = SUMMARY) {
  return fakeDefenderApi({
    getSummary: jest.fn().mockResolvedValue(answer),
    listPostures: jest.fn().mockResolvedValue(page(items)),
  });
}

async function renderCard(api: DefenderApisApi, entity: Entity) {
  return renderInTestApp(
    <TestApiProvider apis={[[defenderApisApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityDefenderApisOverviewCard bulkOnboardPollMs={10} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

async function responseError(
  status: number,
  statusText: string,
  message: string,
) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText,
        headers: { 'content-type': 'application/json' },
      },
    ),
  );
}

const statusCount = (status: string) =>
  screen.getByTestId(`status-count-${status}`);

describe('EntityDefenderApisOverviewCard', () => {
  it("shows a group's coverage, counts and APIs that need attention, asking twice and together", async () => {
    let answerSummary: (value: PostureSummary) => void = () => {};
    const api = fakeDefenderApi({
      getSummary: jest.fn(
        () =>
          new Promise<PostureSummary>(resolve => {
            answerSummary = resolve;
          }),
      ),
      listPostures: jest.fn().mockResolvedValue(page([WALLET, FX, LEDGER])),
    });
    await renderCard(api, groupEntity());

    // The list is asked for before the summary has answered: both requests start together.
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(api.getSummary).toHaveBeenCalledTimes(1);
    // Only the group's counts are asked for, not the whole catalog's.
    expect(api.getSummary).toHaveBeenCalledWith({ owner: [PAYMENTS] });
    expect(api.listPostures).toHaveBeenCalledTimes(1);
    expect(api.listPostures).toHaveBeenCalledWith({
      owner: [PAYMENTS],
      status: ['atRisk', 'conflict', 'notOnboarded'],
      sort: 'status',
      limit: 50,
    });
    answerSummary(SUMMARY);

    expect(
      await screen.findByText('3 of 5 applicable APIs onboarded (60%)'),
    ).toBeInTheDocument();
    expect(screen.getByText('APIs this group owns')).toBeInTheDocument();
    expect(statusCount('atRisk')).toHaveTextContent(/^At risk1$/);
    expect(statusCount('notOnboarded')).toHaveTextContent(/^Unprotected2$/);
    expect(statusCount('protected')).toHaveTextContent(/^Protected2$/);
    expect(statusCount('notApplicable')).toHaveTextContent(/^Not applicable1$/);
    expect(screen.queryByTestId('status-count-error')).not.toBeInTheDocument();

    expect(
      screen.getByText('At risk, in conflict or unprotected (3)'),
    ).toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'APIs that need attention' });
    expect(
      within(list).getByRole('link', { name: 'Wallet API' }),
    ).toHaveAttribute('href', '/catalog/default/api/wallet');
    expect(within(list).getByRole('link', { name: 'FX API' })).toHaveAttribute(
      'href',
      '/catalog/default/api/fx',
    );
    expect(
      within(list).getByRole('link', { name: 'Ledger API' }),
    ).toHaveAttribute('href', '/catalog/default/api/ledger');
    expect(within(list).getAllByRole('listitem')[0]).toHaveTextContent(
      /At risk — 2 endpoints are unauthenticated\./,
    );

    // No request per API.
    expect(api.getSummary).toHaveBeenCalledTimes(1);
    expect(api.listPostures).toHaveBeenCalledTimes(1);
    expect(api.getPosture).not.toHaveBeenCalled();
    expect(api.onboard).not.toHaveBeenCalled();
  });

  it("reads a system's APIs with the system filter and its counts", async () => {
    const api = backend([WALLET, FX]);
    await renderCard(api, systemEntity());

    expect(
      await screen.findByText('2 of 5 applicable APIs onboarded (40%)'),
    ).toBeInTheDocument();
    expect(screen.getByText('APIs of this system')).toBeInTheDocument();
    expect(api.listPostures).toHaveBeenCalledTimes(1);
    expect(api.listPostures).toHaveBeenCalledWith({
      system: [PAYMENTS_SYSTEM],
      status: ['atRisk', 'conflict', 'notOnboarded'],
      sort: 'status',
      limit: 50,
    });
    expect(statusCount('notOnboarded')).toHaveTextContent(/^Unprotected3$/);
    expect(screen.getByRole('link', { name: 'FX API' })).toHaveAttribute(
      'href',
      '/catalog/default/api/fx',
    );
  });

  it('tells threat protection from Defender CSPM posture coverage', async () => {
    const api = backend(
      [WALLET],
      summary(
        { protected: 1, postureOnly: 2, notOnboarded: 1 },
        {
          bySystem: {
            [PAYMENTS_SYSTEM]: {
              protected: 1,
              postureOnly: 2,
              notOnboarded: 1,
            },
          },
        },
      ),
    );
    await renderCard(api, systemEntity());
    expect(await screen.findByTestId('overview-coverage')).toHaveTextContent(
      '1 of 4 applicable APIs onboarded; 3 covered for posture with Defender CSPM (25%)',
    );
    expect(statusCount('postureOnly')).toHaveTextContent(/2$/);
  });

  it("says how many of the group's APIs no refresh has checked yet", async () => {
    await renderCard(
      backend([WALLET], { ...SUMMARY, pending: 2 }),
      groupEntity(),
    );
    expect(await screen.findByTestId('pending-notice')).toHaveTextContent(
      '2 APIs are not read yet and not counted here',
    );
  });

  it('says how many are listed when there are more than a page', async () => {
    const api = fakeDefenderApi({
      getSummary: jest.fn().mockResolvedValue(SUMMARY),
      listPostures: jest
        .fn()
        .mockResolvedValue({ ...page([WALLET, FX]), totalItems: 70 }),
    });
    await renderCard(api, groupEntity());

    expect(
      await screen.findByText('At risk, in conflict or unprotected (70)'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Showing the first 2 of 70/)).toBeInTheDocument();
  });

  it('hands the listed unprotected APIs to the backend as one batch after confirming, and shows each outcome as it progresses', async () => {
    const api = backend([WALLET, FX, LEDGER, RATES]);
    const refused = {
      entityRef: 'api:default/fx',
      outcome: 'refused' as const,
      reason: 'Only the owners of api:default/fx may onboard it',
    };
    api.onboardBatch.mockResolvedValue(
      onboardingBatch([
        refused,
        {
          entityRef: 'api:default/ledger',
          outcome: 'queued',
          operation: { state: 'running' },
        },
        {
          entityRef: 'api:default/rates',
          outcome: 'queued',
          operation: { state: 'queued' },
        },
      ]),
    );
    api.getOnboardingBatch.mockResolvedValue(
      onboardingBatch([
        refused,
        {
          entityRef: 'api:default/ledger',
          outcome: 'queued',
          operation: { state: 'succeeded' },
        },
        {
          entityRef: 'api:default/rates',
          outcome: 'queued',
          operation: { state: 'failed', error: 'Azure said no' },
        },
      ]),
    );
    await renderCard(api, groupEntity());

    await userEvent.click(
      await screen.findByRole('button', { name: 'Onboard unprotected' }),
    );
    const dialog = screen.getByRole('dialog');
    await within(dialog).findByText('Onboard 3 APIs to Defender for APIs?');
    expect(dialog).toHaveTextContent(
      /onboarding adds compute, memory and network load to the API Management instance/,
    );
    expect(dialog).toHaveTextContent(/carries on when you close/);
    expect(within(dialog).queryByText('Wallet API')).not.toBeInTheDocument();
    expect(api.onboardBatch).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Onboard 3' }),
    );
    expect(
      await within(dialog).findByText(
        'Refused: Only the owners of api:default/fx may onboard it',
      ),
    ).toBeInTheDocument();
    expect(api.onboardBatch.mock.calls).toEqual([
      [['api:default/fx', 'api:default/ledger', 'api:default/rates']],
    ]);
    // Progress read from the backend until nothing is pending.
    expect(await within(dialog).findByText('Onboarded')).toBeInTheDocument();
    expect(
      within(dialog).getByText('Failed: Azure said no'),
    ).toBeInTheDocument();
    expect(api.onboard).not.toHaveBeenCalled();
    // The list was not read again to onboard: the APIs listed are the ones onboarded.
    expect(api.listPostures).toHaveBeenCalledTimes(1);

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() => expect(api.getSummary).toHaveBeenCalledTimes(2));
    expect(api.listPostures).toHaveBeenCalledTimes(2);
  });

  it('onboards nothing when the confirmation is cancelled', async () => {
    const api = backend([FX]);
    await renderCard(api, groupEntity());

    await userEvent.click(
      await screen.findByRole('button', { name: 'Onboard unprotected' }),
    );
    const dialog = screen.getByRole('dialog');
    await within(dialog).findByText('Onboard 1 API to Defender for APIs?');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );

    expect(api.onboardBatch).not.toHaveBeenCalled();
    expect(api.getSummary).toHaveBeenCalledTimes(1);
  });

  it('offers no onboarding when nothing listed is unprotected', async () => {
    await renderCard(backend([WALLET]), groupEntity());

    await screen.findByRole('link', { name: 'Wallet API' });
    expect(
      screen.queryByRole('button', { name: 'Onboard unprotected' }),
    ).not.toBeInTheDocument();
  });

  it('shows a backend error in a ResponseErrorPanel', async () => {
    const api = fakeDefenderApi({
      getSummary: jest
        .fn()
        .mockRejectedValue(
          await responseError(503, 'Service Unavailable', 'Store unavailable'),
        ),
      listPostures: jest.fn().mockResolvedValue(page([])),
    });
    await renderCard(api, groupEntity());

    expect(
      await screen.findByText(/Request failed with 503 Service Unavailable/),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it('says so when the group owns no APIs', async () => {
    await renderCard(backend([]), {
      ...groupEntity(),
      metadata: { name: 'team-empty', namespace: 'default' },
    });

    expect(
      await screen.findByText('This group owns no API entities.'),
    ).toBeInTheDocument();
  });

  it('reads nothing on pages of other kinds', async () => {
    const api = backend([]);
    await renderCard(api, apiEntity());

    expect(
      screen.getByText(
        'This card shows the APIs of a Group or a System entity.',
      ),
    ).toBeInTheDocument();
    expect(api.getSummary).not.toHaveBeenCalled();
    expect(api.listPostures).not.toHaveBeenCalled();
  });

  it("shows the group's history in words, asked for its own APIs, and says when there is none yet", async () => {
    const api = backend([]);
    api.getHistory.mockResolvedValue({
      from: '2026-09-09',
      to: '2026-12-07',
      retentionDays: 90,
      days: [
        {
          day: '2026-12-07',
          total: 3,
          byStatus: { atRisk: 1, protected: 2 },
          onboarded: 3,
          applicable: 3,
          coverage: 1,
          atRisk: 1,
          highAlerts: 0,
        },
      ],
    });
    await renderCard(api, groupEntity());
    expect(
      await screen.findByText(
        /^History began on 7 Dec( 2026)?: coverage 100%, 1 at risk\.$/,
      ),
    ).toBeInTheDocument();
    expect(api.getHistory).toHaveBeenCalledWith({ owner: [PAYMENTS] });
  });

  it('says a group has no history yet rather than drawing nothing', async () => {
    await renderCard(backend([]), groupEntity());
    expect(await screen.findByTestId('history-empty')).toHaveTextContent(
      'No history yet',
    );
  });
});
