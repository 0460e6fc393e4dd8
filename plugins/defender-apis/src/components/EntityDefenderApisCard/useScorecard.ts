import { useEffect, useMemo, useState } from 'react';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ApiHolder,
  ApiRef,
  createApiRef,
  discoveryApiRef,
  identityApiRef,
  useApiHolder,
} from '@backstage/core-plugin-api';
import { CheckResult } from '@backstage-community/plugin-tech-insights-common';
import { TechInsightsClient } from '@backstage-community/plugin-tech-insights-common/client';

/** The Tech Insights checks the scorecard row shows, in this order. */
export const SCORECARD_CHECK_IDS = [
  'defenderApisOnboardedCheck',
  'defenderApisNoUnauthenticatedEndpointsCheck',
  'defenderApisNoHighAlertsCheck',
] as const;

/** One check result of the scorecard. */
export interface ScorecardItem {
  id: string;
  /** The check's name as configured, or its id. */
  name: string;
  description?: string;
  passed: boolean;
}

/** The part of the tech-insights frontend API the scorecard calls. */
export type TechInsightsChecksApi = Pick<TechInsightsClient, 'runChecks'>;

/**
 * The tech-insights frontend plugin's API, looked up by the id that plugin registers it under,
 * so an app that installs it shares its client without this plugin depending on it.
 */
export const techInsightsChecksApiRef = createApiRef<TechInsightsChecksApi>({
  id: 'plugin.techinsights.service',
});

/** An API the app may lack, or fail to build (e.g. discovery without `backend.baseUrl`). */
function optionalApi<T>(apis: ApiHolder, ref: ApiRef<T>): T | undefined {
  try {
    return apis.get(ref);
  } catch {
    return undefined;
  }
}

/**
 * The app's tech-insights API; otherwise tech-insights' own isomorphic client (the one its
 * frontend plugin extends), over the app's discovery and identity.
 */
function techInsightsApi(apis: ApiHolder): TechInsightsChecksApi | undefined {
  const registered = optionalApi(apis, techInsightsChecksApiRef);
  if (registered) return registered;
  const discoveryApi = optionalApi(apis, discoveryApiRef);
  const identityApi = optionalApi(apis, identityApiRef);
  if (!discoveryApi || !identityApi) return undefined;
  return new TechInsightsClient({ discoveryApi, identityApi });
}

/** The scorecard's checks in their order, from whatever results the checks answered. */
function scorecardItems(results: CheckResult[]): ScorecardItem[] {
  const byId = new Map<string, CheckResult>();
  for (const result of Array.isArray(results) ? results : []) {
    if (result?.check?.id) byId.set(result.check.id, result);
  }
  return SCORECARD_CHECK_IDS.flatMap(id => {
    const result = byId.get(id);
    if (!result || typeof result.result !== 'boolean') return [];
    return [
      {
        id,
        name: result.check?.name || id,
        description: result.check?.description,
        passed: result.result,
      },
    ];
  });
}

/**
 * Runs the Defender for APIs checks for one entity through the tech-insights API and answers
 * their results, or undefined while loading and whenever there is nothing to show: no
 * tech-insights backend (404 or a network error), another failure, or no result for these
 * checks (e.g. facts not yet retrieved).
 */
export function useScorecard(
  entityRef: CompoundEntityRef | undefined,
): ScorecardItem[] | undefined {
  const apis = useApiHolder();
  const techInsights = useMemo(() => techInsightsApi(apis), [apis]);
  const { kind, namespace, name } = entityRef ?? {};
  const ref = useMemo<CompoundEntityRef | undefined>(
    () => (kind && namespace && name ? { kind, namespace, name } : undefined),
    [kind, namespace, name],
  );
  const [items, setItems] = useState<ScorecardItem[]>();

  useEffect(() => {
    setItems(undefined);
    if (!ref || !techInsights) return undefined;
    let cancelled = false;
    techInsights.runChecks(ref, [...SCORECARD_CHECK_IDS]).then(
      results => {
        const value = scorecardItems(results);
        if (!cancelled) setItems(value.length > 0 ? value : undefined);
      },
      () => {
        // No tech-insights backend, or it failed: the row stays hidden.
      },
    );
    return () => {
      cancelled = true;
    };
  }, [techInsights, ref]);

  return items;
}
