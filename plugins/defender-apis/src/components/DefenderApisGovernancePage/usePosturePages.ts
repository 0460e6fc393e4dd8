import { useCallback, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { PostureListQuery } from '@defender-apis/plugin-defender-apis-common';
import { defenderApisApiRef } from '../../api';
import { sortOfQuery, TableSortQuery } from './postureColumns';
import { toPostureRow } from '../common/rows';
import { RemotePageRequest, useRemotePages } from './useRemotePages';

/** What the table asks its remote data for: a page, in an order. */
export interface TablePageQuery extends TableSortQuery, RemotePageRequest {}

/** The backend's sort and direction. */
export type PostureSort = Pick<PostureListQuery, 'sort' | 'order'>;

/**
 * Remote data for the posture table: `loadPage` reads the page the table asks for with the
 * query's filters and the table's sort. When the query changes the table goes back to its
 * first page. Also says the sort, the total and the error of the last page read.
 */
export function usePosturePages(query: PostureListQuery) {
  const api = useApi(defenderApisApiRef);
  const [sort, setSort] = useState<PostureSort>({});
  const read = useCallback(
    async (tableQuery: TablePageQuery) => {
      const pageSort = sortOfQuery(tableQuery);
      setSort(previous =>
        previous.sort === pageSort.sort && previous.order === pageSort.order
          ? previous
          : pageSort,
      );
      const page = await api.listPostures({
        ...query,
        ...pageSort,
        offset: tableQuery.page * tableQuery.pageSize,
        limit: tableQuery.pageSize,
      });
      return {
        rows: page.items.map(toPostureRow),
        totalItems: page.totalItems,
      };
    },
    [api, query],
  );
  return {
    ...useRemotePages(read, 'No APIs match the filters.'),
    sort,
  };
}
