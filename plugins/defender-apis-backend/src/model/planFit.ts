import { PlanTraffic } from '@defender-apis/plugin-defender-apis-common';

/**
 * Monthly API call entitlements of the Defender for APIs plans, as Microsoft's pricing page
 * states them; `defenderApis.planEntitlements` overrides any of them.
 */
export const DEFAULT_PLAN_ENTITLEMENTS: Readonly<Record<string, number>> = {
  P1: 1_000_000,
  P2: 5_000_000,
  P3: 50_000_000,
  P4: 100_000_000,
  P5: 1_000_000_000,
};

/** A subscription enabled without a sub-plan is on Plan 1, Microsoft's default. */
const DEFAULT_SUB_PLAN = 'P1';

/**
 * How a subscription's API traffic of the last 30 days fits its Defender for APIs plan:
 * `exceeds` when it is above the plan's entitlement (suggesting the smallest plan that covers
 * it, or the largest plan when none does), `smallerPlanFits` when a smaller plan covers it
 * (suggesting the smallest such plan), `fits` otherwise. Undefined when the plan is not known
 * among `entitlements`, as no verdict can then be given.
 *
 * @param subPlan - the subscription's sub-plan (`P1`..`P5`); absent means P1
 * @param requestsLast30Days - the summed `Requests` metric of the subscription's APIM services
 * @param entitlements - monthly calls per plan name
 */
export function planFit(
  subPlan: string | undefined,
  requestsLast30Days: number,
  entitlements: Readonly<Record<string, number>>,
): PlanTraffic | undefined {
  const current = (subPlan ?? DEFAULT_SUB_PLAN).toUpperCase();
  const entitlement = entitlements[current];
  if (entitlement === undefined) return undefined;
  const plans = Object.entries(entitlements).sort(([, a], [, b]) => a - b);
  const covering = plans.find(([, calls]) => calls >= requestsLast30Days)?.[0];
  const base = { requestsLast30Days, entitlement };
  if (requestsLast30Days > entitlement) {
    const largest = plans[plans.length - 1][0];
    const suggestedPlan =
      covering ?? (largest !== current ? largest : undefined);
    return {
      ...base,
      verdict: 'exceeds',
      ...(suggestedPlan ? { suggestedPlan } : {}),
    };
  }
  if (covering && entitlements[covering] < entitlement) {
    return { ...base, verdict: 'smallerPlanFits', suggestedPlan: covering };
  }
  return { ...base, verdict: 'fits' };
}
