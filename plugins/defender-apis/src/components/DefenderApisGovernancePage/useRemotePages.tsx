import { useCallback, useMemo, useRef, useState } from 'react';
import useUpdateEffect from 'react-use/esm/useUpdateEffect';
import { ResponseErrorPanel, TableOptions } from '@backstage/core-components';

/**
 * Options of a table whose rows the backend pages: 20 rows a page, dense, headers on one
 * line (a table wider than its card scrolls sideways inside it).
 */
export function remoteTableOptions<Row extends object>(
  sorting: boolean,
): TableOptions<Row> {
  return {
    search: false,
    sorting,
    paging: true,
    pageSize: 20,
    pageSizeOptions: [20, 50, 100],
    emptyRowsWhenPaging: false,
    padding: 'dense',
    headerStyle: { whiteSpace: 'nowrap' },
  };
}

/** What a remote table asks its data for: a page of a size. */
export interface RemotePageRequest {
  page: number;
  pageSize: number;
}

/** The part of material-table's instance the page drives: reading the data again. */
export interface TableHandle {
  onQueryChange(query?: { page?: number }): void;
}

/**
 * An answer that never comes, for a page request a newer one has replaced: the table keeps
 * waiting for the newer one instead of showing rows of older filters.
 */
const superseded = () => new Promise<never>(() => {});

/**
 * Remote data for a backend-paged table: `loadPage` reads the page the table asks for with
 * `read`; when `read` changes (new filters) the table goes back to its first page. Says the
 * total and the error of the last page read, and gives the table's empty-row text, which
 * shows a failed page where its rows would be.
 */
export function useRemotePages<
  Request extends RemotePageRequest,
  Row extends object,
>(
  read: (request: Request) => Promise<{ rows: Row[]; totalItems: number }>,
  emptyText: string,
) {
  const tableRef = useRef<TableHandle>();
  const [totalItems, setTotalItems] = useState<number>();
  const [error, setError] = useState<Error>();
  const latestRequest = useRef(0);

  const loadPage = useCallback(
    async (request: Request) => {
      const id = ++latestRequest.current;
      try {
        const { rows, totalItems: total } = await read(request);
        if (id !== latestRequest.current) return superseded();
        setError(undefined);
        setTotalItems(total);
        return { data: rows, page: request.page, totalCount: total };
      } catch (e) {
        if (id !== latestRequest.current) return superseded();
        setError(e as Error);
        setTotalItems(undefined);
        return { data: [] as Row[], page: 0, totalCount: 0 };
      }
    },
    [read],
  );

  // The table reads its first page itself on mount; after that, new filters restart at page 0.
  useUpdateEffect(() => {
    tableRef.current?.onQueryChange({ page: 0 });
  }, [loadPage]);

  /** Reads the current page again, e.g. after onboarding changed statuses. */
  const reload = useCallback(() => tableRef.current?.onQueryChange(), []);

  const localization = useMemo(
    () => ({
      body: {
        emptyDataSourceMessage: error ? (
          <ResponseErrorPanel error={error} />
        ) : (
          emptyText
        ),
      },
    }),
    [error, emptyText],
  );

  return { tableRef, loadPage, reload, totalItems, error, localization };
}
