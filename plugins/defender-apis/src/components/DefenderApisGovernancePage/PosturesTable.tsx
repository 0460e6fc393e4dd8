import { useMemo, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { ResponseErrorPanel, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { PostureSummary } from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import GetAppIcon from '@material-ui/icons/GetApp';
import { defenderApisApiRef } from '../../api';
import { BulkOnboardDialog } from '../common/BulkOnboardDialog';
import { csvFileName, posturesCsv } from './csv';
import { downloadText } from './download';
import { loadMatchingPostures } from '../common/loadMatchingPostures';
import { POSTURE_COLUMNS } from './postureColumns';
import { PostureFilterBar } from './PostureFilterBar';
import { filtersQuery, onboardableQuery, PostureFilters } from './postureQuery';
import { PostureRow, toPostureRow } from '../common/rows';
import { usePosturePages } from './usePosturePages';
import { remoteTableOptions } from './useRemotePages';

const useStyles = makeStyles(theme => ({
  bar: { marginBottom: theme.spacing(2) },
  actions: {
    marginLeft: 'auto',
    display: 'flex',
    gap: theme.spacing(2),
  },
}));

const TABLE_OPTIONS = remoteTableOptions<PostureRow>(true);

/**
 * Every API's posture, one page at a time from the backend: filters and search above the
 * table, sorting and paging in it, all applied by the backend. The CSV export and bulk
 * onboarding read every page the same filters select, when the user asks.
 */
export const PosturesTable = (props: {
  summary: PostureSummary;
  /** How often a bulk onboarding's progress is read while its dialog is open. */
  bulkOnboardPollMs?: number;
  /** Called after a bulk onboarding requested something, to read the summary again. */
  onChanged?: () => void;
}) => {
  const { summary } = props;
  const api = useApi(defenderApisApiRef);
  const classes = useStyles();

  // The search box reports its text once typing pauses, so each change here is one request.
  const [filters, setFilters] = useState<PostureFilters>({});
  const query = useMemo(() => filtersQuery(filters), [filters]);

  const { tableRef, loadPage, reload, sort, totalItems, localization } =
    usePosturePages(query);

  // The export and bulk onboarding select what the table shows, in its order.
  const selection = useMemo(() => ({ ...query, ...sort }), [query, sort]);
  const toOnboard = useMemo(() => onboardableQuery(selection), [selection]);
  const [bulkOpen, setBulkOpen] = useState(false);

  const [exported, exportCsv] = useAsyncFn(async () => {
    const postures = await loadMatchingPostures(api, selection);
    downloadText(csvFileName(), posturesCsv(postures.map(toPostureRow)));
  }, [api, selection]);

  return (
    <>
      <Box className={classes.bar}>
        <PostureFilterBar
          summary={summary}
          filters={filters}
          onChange={setFilters}
        >
          <Box className={classes.actions}>
            <Button
              variant="outlined"
              color="primary"
              disabled={
                !toOnboard || (summary.byStatus.notOnboarded ?? 0) === 0
              }
              onClick={() => setBulkOpen(true)}
              title="Onboards the unprotected APIs that pass the filters and the search, one at a time"
            >
              Onboard unprotected
            </Button>
            <Button
              variant="outlined"
              startIcon={<GetAppIcon />}
              disabled={exported.loading}
              onClick={exportCsv}
              title="Exports every API that passes the filters and the search, not only this page"
            >
              {exported.loading ? 'Exporting…' : 'Export CSV'}
            </Button>
          </Box>
        </PostureFilterBar>
      </Box>
      {exported.error ? (
        <Box className={classes.bar}>
          <ResponseErrorPanel
            title="Could not export the APIs"
            error={exported.error}
          />
        </Box>
      ) : null}
      {toOnboard ? (
        <BulkOnboardDialog
          open={bulkOpen}
          query={toOnboard}
          pollMs={props.bulkOnboardPollMs}
          onClose={changed => {
            setBulkOpen(false);
            if (changed) {
              reload();
              props.onChanged?.();
            }
          }}
        />
      ) : null}
      <Table<PostureRow>
        tableRef={tableRef}
        title={totalItems === undefined ? 'APIs' : `APIs (${totalItems})`}
        columns={POSTURE_COLUMNS}
        data={loadPage}
        options={TABLE_OPTIONS}
        localization={localization}
      />
    </>
  );
};
