import { DEFAULT_PLAN_ENTITLEMENTS, planFit } from './planFit';

describe('planFit', () => {
  it('suggests the smallest plan that covers traffic above the entitlement', () => {
    expect(planFit('P1', 1_250_000, DEFAULT_PLAN_ENTITLEMENTS)).toEqual({
      requestsLast30Days: 1_250_000,
      entitlement: 1_000_000,
      verdict: 'exceeds',
      suggestedPlan: 'P2',
    });
    expect(
      planFit('P2', 60_000_000, DEFAULT_PLAN_ENTITLEMENTS)?.suggestedPlan,
    ).toBe('P4');
  });

  it('suggests the largest plan when no plan covers the traffic, and none when already on it', () => {
    expect(
      planFit('P3', 2_000_000_000, DEFAULT_PLAN_ENTITLEMENTS),
    ).toMatchObject({ verdict: 'exceeds', suggestedPlan: 'P5' });
    expect(planFit('P5', 2_000_000_000, DEFAULT_PLAN_ENTITLEMENTS)).toEqual({
      requestsLast30Days: 2_000_000_000,
      entitlement: 1_000_000_000,
      verdict: 'exceeds',
    });
  });

  it('suggests the smallest smaller plan that covers the traffic', () => {
    expect(planFit('P3', 1_250_000, DEFAULT_PLAN_ENTITLEMENTS)).toEqual({
      requestsLast30Days: 1_250_000,
      entitlement: 50_000_000,
      verdict: 'smallerPlanFits',
      suggestedPlan: 'P2',
    });
  });

  it('fits when the plan is the smallest that covers the traffic (entitlement included)', () => {
    expect(planFit('P2', 5_000_000, DEFAULT_PLAN_ENTITLEMENTS)).toEqual({
      requestsLast30Days: 5_000_000,
      entitlement: 5_000_000,
      verdict: 'fits',
    });
    expect(planFit('p1', 0, DEFAULT_PLAN_ENTITLEMENTS)?.verdict).toBe('fits');
  });

  it('takes a missing sub-plan as P1, gives no verdict for an unknown plan and honours overrides', () => {
    expect(
      planFit(undefined, 2_000_000, DEFAULT_PLAN_ENTITLEMENTS),
    ).toMatchObject({ entitlement: 1_000_000, verdict: 'exceeds' });
    expect(planFit('P9', 10, DEFAULT_PLAN_ENTITLEMENTS)).toBeUndefined();
    expect(
      planFit('P1', 2_000_000, { ...DEFAULT_PLAN_ENTITLEMENTS, P1: 3_000_000 })
        ?.verdict,
    ).toBe('fits');
  });
});
