import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CallerDecisions, DECISION_TTL_MS } from './CallerDecisions';

/** A permission service whose catalog-read answer the test changes, counting the requests. */
function switchablePermissions() {
  const state: {
    catalogRead: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    asked: number;
  } = { catalogRead: AuthorizeResult.ALLOW, asked: 0 };
  const permissions = {
    authorizeConditional: async (requests: unknown[]) => {
      state.asked += 1;
      return [
        { result: state.catalogRead },
        ...requests.slice(1).map(() => ({ result: AuthorizeResult.DENY })),
      ];
    },
  } as unknown as PermissionsService;
  return { state, permissions };
}

describe('CallerDecisions', () => {
  beforeEach(() =>
    jest.useFakeTimers({ now: Date.parse('2026-12-07T12:00:00Z') }),
  );
  afterEach(() => jest.useRealTimers());

  it("reuses a user's decisions for DECISION_TTL_MS and no longer: a revoked catalog read takes effect within that time", async () => {
    const { state, permissions } = switchablePermissions();
    const decisions = new CallerDecisions({
      auth: mockServices.auth(),
      permissions,
    });
    const paula = mockCredentials.user('user:default/paula');

    expect((await decisions.get(paula)).catalogRead.result).toBe(
      AuthorizeResult.ALLOW,
    );
    state.catalogRead = AuthorizeResult.DENY;
    // Within the stated lifetime the reused decision may still allow.
    jest.advanceTimersByTime(DECISION_TTL_MS - 1);
    expect((await decisions.get(paula)).catalogRead.result).toBe(
      AuthorizeResult.ALLOW,
    );
    jest.advanceTimersByTime(1);
    expect((await decisions.get(paula)).catalogRead.result).toBe(
      AuthorizeResult.DENY,
    );
  });

  it("keeps each user's decisions apart and never reuses a service's", async () => {
    const { state, permissions } = switchablePermissions();
    const decisions = new CallerDecisions({
      auth: mockServices.auth(),
      permissions,
    });
    await decisions.get(mockCredentials.user('user:default/paula'));
    await decisions.get(mockCredentials.user('user:default/carl'));
    expect(state.asked).toBe(2);
    const service = mockCredentials.service('plugin:catalog');
    await decisions.get(service);
    state.catalogRead = AuthorizeResult.DENY;
    expect((await decisions.get(service)).catalogRead.result).toBe(
      AuthorizeResult.DENY,
    );
    expect(state.asked).toBe(4);
  });

  it("asks a busy user's decisions again in the background: requests never wait on the permission backend once it answered", async () => {
    let answers = 0;
    let release = () => {};
    const permissions = {
      authorizeConditional: (requests: unknown[]) =>
        new Promise(resolve => {
          answers += 1;
          const answer = requests.map(() => ({
            result: AuthorizeResult.ALLOW,
          }));
          if (answers === 1) resolve(answer);
          else release = () => resolve(answer);
        }),
    } as unknown as PermissionsService;
    const decisions = new CallerDecisions({
      auth: mockServices.auth(),
      permissions,
    });
    const paula = mockCredentials.user('user:default/paula');
    await decisions.get(paula);
    jest.advanceTimersByTime(DECISION_TTL_MS / 2);
    // The renewal hangs, yet every request of the user is answered at once.
    await decisions.get(paula);
    await decisions.get(paula);
    expect(answers).toBe(2);
    release();
  });
});
