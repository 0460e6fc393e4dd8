import { useEffect, useMemo, useState } from 'react';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ApiHolder,
  ApiRef,
  discoveryApiRef,
  fetchApiRef,
  useApiHolder,
} from '@backstage/core-plugin-api';

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

/** The part of a tech-insights check result the scorecard reads. */
interface CheckResultLike {
  check?: { id?: string; name?: string; description?: string };
  result?: unknown;
}

/** An API the app may lack, or fail to build (e.g. discovery without `backend.baseUrl`). */
function optionalApi<T>(apis: ApiHolder, ref: ApiRef<T>): T | undefined {
  try {
    return apis.get(ref);
  } catch {
    return undefined;
  }
}

/**
 * Runs the Defender for APIs checks for one entity on the tech-insights backend
 * (`POST /checks/run/:namespace/:kind/:name`) and answers their results, or undefined while
 * loading and whenever there is nothing to show: no tech-insights backend (404 or a network
 * error), another failure, or no result for these checks (e.g. facts not yet retrieved).
 */
export function useScorecard(
  entityRef: CompoundEntityRef | undefined,
): ScorecardItem[] | undefined {
  const apis = useApiHolder();
  const discoveryApi = useMemo(
    () => optionalApi(apis, discoveryApiRef),
    [apis],
  );
  const fetchApi = useMemo(() => optionalApi(apis, fetchApiRef), [apis]);
  const { kind, namespace, name } = entityRef ?? {};
  const ref = useMemo<CompoundEntityRef | undefined>(
    () => (kind && namespace && name ? { kind, namespace, name } : undefined),
    [kind, namespace, name],
  );
  const [items, setItems] = useState<ScorecardItem[]>();

  useEffect(() => {
    setItems(undefined);
    if (!ref || !discoveryApi || !fetchApi) return undefined;
    let cancelled = false;
    (async () => {
      const baseUrl = await discoveryApi.getBaseUrl('tech-insights');
      const path = [
        ref.namespace,
        ref.kind.toLocaleLowerCase('en-US'),
        ref.name,
      ]
        .map(encodeURIComponent)
        .join('/');
      const response = await fetchApi.fetch(`${baseUrl}/checks/run/${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ checks: SCORECARD_CHECK_IDS }),
      });
      if (!response.ok) return undefined;
      const results = (await response.json()) as unknown;
      if (!Array.isArray(results)) return undefined;
      const byId = new Map<string, CheckResultLike>();
      for (const result of results as CheckResultLike[]) {
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
    })().then(
      value => {
        if (!cancelled) setItems(value && value.length > 0 ? value : undefined);
      },
      () => {
        // No tech-insights backend, or it failed: the row stays hidden.
      },
    );
    return () => {
      cancelled = true;
    };
  }, [discoveryApi, fetchApi, ref]);

  return items;
}
