import { useCallback, useRef, useState } from 'react';
import useUpdateEffect from 'react-use/esm/useUpdateEffect';
import { useApi } from '@backstage/core-plugin-api';
import { PostureListQuery } from '@defender-apis/plugin-defender-apis-common';
import { defenderApisApiRef } from '../../api';
import { sortOfQuery, TableSortQuery } from './postureColumns';
import { PostureRow, toPostureRow } from '../common/rows';

/** What the table asks its remote data for: a page, in an order. */
export interface TablePageQuery extends TableSortQuery {
  page: number;
  pageSize: number;
}

/** The part of material-table's instance the page drives: reading the data again. */
export interface TableHandle {
  onQueryChange(query?: { page?: number }): void;
}

/** The backend's sort and direction. */
export type PostureSort = Pick<PostureListQuery, 'sort' | 'order'>;

/**
 * An answer that never comes, for a page request a newer one has replaced: the table keeps
 * waiting for the newer one instead of showing rows of older filters.
 */
const superseded = () => new Promise<never>(() => {});

/**
 * Remote data for the posture table: `loadPage` reads the page the table asks for with the
 * query's filters and the table's sort. When the query changes the table goes back to its
 * first page. Also says the sort, the total and the error of the last page read.
 */
export function usePosturePages(query: PostureListQuery) {
  const api = useApi(defenderApisApiRef);
  const tableRef = useRef<TableHandle>();
  const [sort, setSort] = useState<PostureSort>({});
  const [totalItems, setTotalItems] = useState<number>();
  const [error, setError] = useState<Error>();
  const latestRequest = useRef(0);

  const loadPage = useCallback(
    async (tableQuery: TablePageQuery) => {
      const request = ++latestRequest.current;
      const pageSort = sortOfQuery(tableQuery);
      setSort(previous =>
        previous.sort === pageSort.sort && previous.order === pageSort.order
          ? previous
          : pageSort,
      );
      try {
        const page = await api.listPostures({
          ...query,
          ...pageSort,
          offset: tableQuery.page * tableQuery.pageSize,
          limit: tableQuery.pageSize,
        });
        if (request !== latestRequest.current) return superseded();
        setError(undefined);
        setTotalItems(page.totalItems);
        return {
          data: page.items.map(toPostureRow),
          page: tableQuery.page,
          totalCount: page.totalItems,
        };
      } catch (e) {
        if (request !== latestRequest.current) return superseded();
        setError(e as Error);
        setTotalItems(undefined);
        return { data: [] as PostureRow[], page: 0, totalCount: 0 };
      }
    },
    [api, query],
  );

  // The table reads its first page itself on mount; after that, new filters restart at page 0.
  useUpdateEffect(() => {
    tableRef.current?.onQueryChange({ page: 0 });
  }, [loadPage]);

  /** Reads the current page again, e.g. after onboarding changed statuses. */
  const reload = useCallback(() => tableRef.current?.onQueryChange(), []);

  return { tableRef, loadPage, reload, sort, totalItems, error };
}
