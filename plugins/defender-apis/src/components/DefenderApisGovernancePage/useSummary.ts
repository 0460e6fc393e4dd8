import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { PostureSummary } from '@defender-apis/plugin-defender-apis-common';
import { defenderApisApiRef } from '../../api';
import { loadAllPostures } from './loadAllPostures';
import {
  CatalogInfo,
  catalogInfoByRef,
  PostureRow,
  toPostureRows,
} from './rows';

/** The catalog fields the table needs: the ref, the title and the owners. */
const CATALOG_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'relations',
];

/** What the governance page shows. */
export interface GovernanceData {
  /** True until everything is read. */
  loading: boolean;
  /** Reading the postures or the summary failed. */
  error?: Error;
  summary?: PostureSummary;
  rows: PostureRow[];
  /** Reading owners and titles from the catalog failed; the rows lack them. */
  catalogError?: Error;
  /** Reads everything again. */
  reload: () => void;
}

/**
 * Reads every posture (all pages) and the summary from the backend, then the owners and
 * titles of those entities from the catalog in one batch: postures do not carry owners. A
 * catalog failure only leaves the owner column empty, with a warning.
 */
export function useGovernanceData(): GovernanceData {
  const defenderApi = useApi(defenderApisApiRef);
  const catalogApi = useApi(catalogApiRef);

  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [postures, summary] = await Promise.all([
      loadAllPostures(defenderApi),
      defenderApi.getSummary(),
    ]);
    let catalog = new Map<string, CatalogInfo>();
    let catalogError: Error | undefined;
    if (postures.length > 0) {
      try {
        const { items } = await catalogApi.getEntitiesByRefs({
          entityRefs: postures.map(p => p.entityRef),
          fields: CATALOG_FIELDS,
        });
        catalog = catalogInfoByRef(items);
      } catch (e) {
        catalogError = e as Error;
      }
    }
    return { rows: toPostureRows(postures, catalog), summary, catalogError };
  }, [defenderApi, catalogApi]);

  return {
    loading,
    error,
    summary: value?.summary,
    rows: value?.rows ?? [],
    catalogError: value?.catalogError,
    reload: retry,
  };
}
