import { RefreshSummary } from './PostureRefresher';
import { RefreshHealth } from './RefreshHealth';

const summary = (posturesFailed: number): RefreshSummary => ({
  entities: 3,
  subscriptionsRead: 1,
  servicesRead: 1,
  failedReads: 0,
  posturesRewritten: 3,
  posturesFailed,
});

describe('RefreshHealth', () => {
  let clock = 0;
  const health = () =>
    new RefreshHealth(() => new Date(Date.UTC(2026, 11, 6, 9, 0, clock++)));

  it('is pending until a refresh ends, then says whether every posture was stored', async () => {
    const refreshes = health();
    expect(refreshes.report()).toEqual({ state: 'pending' });
    await refreshes.track(async () => summary(0));
    expect(refreshes.report()).toEqual(
      expect.objectContaining({ state: 'ok', posturesFailed: 0 }),
    );
    await refreshes.track(async () => summary(2));
    expect(refreshes.report()).toEqual(
      expect.objectContaining({ state: 'partial', posturesFailed: 2 }),
    );
  });

  it('says when the last refresh failed, keeps when the one before ended, and throws the error on', async () => {
    const refreshes = health();
    await refreshes.track(async () => summary(0));
    const completed = refreshes.report().lastCompletedAt;
    await expect(
      refreshes.track(async () => {
        throw new Error('value too long for type character varying(255)');
      }),
    ).rejects.toThrow('value too long');
    const report = refreshes.report();
    expect(report.state).toBe('failed');
    expect(report.lastCompletedAt).toBe(completed);
    expect(report.lastFailedAt! > completed!).toBe(true);
    // Only times and counts: the route is unauthenticated.
    expect(JSON.stringify(report)).not.toContain('varying');
  });
});
