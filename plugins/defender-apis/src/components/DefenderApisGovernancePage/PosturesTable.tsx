import { ReactNode, useCallback, useMemo, useState } from 'react';
import { Table, TableColumn, TableState } from '@backstage/core-components';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import {
  POSTURE_STATUSES,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  STATUS_PRESENTATION,
  statusLightOf,
} from '../EntityDefenderApisCard/PostureStatusHeadline';
import {
  formatRelativeTime,
  humanizeOwnerRef,
} from '../EntityDefenderApisCard/format';
import { BulkOnboardDialog } from './BulkOnboardDialog';
import { csvFileName, posturesCsv } from './csv';
import { downloadText } from './download';
import {
  compareOptional,
  filterRows,
  PostureRow,
  rowMatchesSearch,
} from './rows';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  filter: { minWidth: 200 },
  export: { marginLeft: 'auto' },
  risk: {
    color: theme.palette.error.main,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  stale: {
    marginLeft: theme.spacing(1),
    padding: theme.spacing(0, 0.75),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.warning.light,
    color: theme.palette.warning.contrastText,
    fontSize: theme.typography.caption.fontSize,
  },
}));

const ALL = '';
const NONE = '—';

const StatusCell = ({ row }: { row: PostureRow }) => {
  const Light = statusLightOf(row.posture);
  return (
    <span title={row.posture.reason}>
      <Light>{row.statusLabel}</Light>
    </span>
  );
};

const AlertsCell = ({ row }: { row: PostureRow }) => {
  const classes = useStyles();
  if (row.highAlerts === 0) return <>{row.activeAlerts}</>;
  return (
    <span className={classes.risk} data-testid="high-alerts">
      {row.activeAlerts} ({row.highAlerts} high)
    </span>
  );
};

const EndpointsCell = ({ row }: { row: PostureRow }) => {
  const classes = useStyles();
  if (row.unauthenticated === undefined || row.endpointsTotal === undefined) {
    return <>{NONE}</>;
  }
  return (
    <span className={row.unauthenticated > 0 ? classes.risk : undefined}>
      {row.unauthenticated} / {row.endpointsTotal}
    </span>
  );
};

const ReadAtCell = ({ row }: { row: PostureRow }) => {
  const classes = useStyles();
  return (
    <>
      {row.refreshedAt ? (
        <time dateTime={row.refreshedAt} title={row.refreshedAt}>
          {formatRelativeTime(row.refreshedAt)}
        </time>
      ) : (
        NONE
      )}
      {row.stale ? (
        <span
          className={classes.stale}
          title={`The last refresh from Azure failed${
            row.posture.staleReason ? `: ${row.posture.staleReason}` : ''
          }`}
        >
          stale
        </span>
      ) : null}
    </>
  );
};

const columns: TableColumn<PostureRow>[] = [
  {
    title: 'API',
    field: 'name',
    highlight: true,
    // Names break between words only; the narrow numeric columns give way instead.
    cellStyle: { minWidth: 160, wordBreak: 'normal' },
    // The one searchable column: its search looks at every text the row shows.
    customFilterAndSearch: (search: string, row: PostureRow) =>
      rowMatchesSearch(row, search),
    customSort: (a, b) => a.name.localeCompare(b.name),
    render: row => (
      <EntityRefLink entityRef={row.entityRef} defaultKind="api">
        {row.name}
      </EntityRefLink>
    ),
  },
  {
    title: 'Status',
    field: 'statusLabel',
    cellStyle: { minWidth: 150 },
    searchable: false,
    customSort: (a, b) => a.statusRank - b.statusRank,
    render: row => <StatusCell row={row} />,
  },
  {
    title: 'Owners',
    field: 'ownersText',
    searchable: false,
    render: row =>
      row.owners.length > 0 ? (
        <EntityRefLinks entityRefs={row.owners} defaultKind="group" />
      ) : (
        NONE
      ),
  },
  {
    title: 'APIM service',
    field: 'serviceName',
    searchable: false,
    render: row =>
      row.serviceName ? (
        <>
          {row.serviceName}
          <Typography variant="caption" color="textSecondary" component="div">
            {row.apiId}
          </Typography>
        </>
      ) : (
        NONE
      ),
  },
  {
    title: 'Unauthenticated / endpoints',
    field: 'unauthenticated',
    type: 'numeric',
    searchable: false,
    customSort: (a, b) =>
      compareOptional(a.unauthenticated, b.unauthenticated) ||
      compareOptional(a.endpointsTotal, b.endpointsTotal),
    render: row => <EndpointsCell row={row} />,
  },
  {
    title: 'Sensitive data endpoints',
    field: 'sensitiveDataExposed',
    type: 'numeric',
    searchable: false,
    customSort: (a, b) =>
      compareOptional(a.sensitiveDataExposed, b.sensitiveDataExposed),
    render: row => row.sensitiveDataExposed ?? NONE,
  },
  {
    title: 'Active alerts',
    field: 'activeAlerts',
    type: 'numeric',
    searchable: false,
    customSort: (a, b) =>
      a.highAlerts - b.highAlerts || a.activeAlerts - b.activeAlerts,
    render: row => <AlertsCell row={row} />,
  },
  {
    title: 'Open recommendations',
    field: 'openRecommendations',
    type: 'numeric',
    searchable: false,
  },
  {
    title: 'Plan',
    field: 'plan',
    searchable: false,
    render: row => row.plan ?? NONE,
  },
  {
    title: 'Read',
    field: 'refreshedAt',
    searchable: false,
    customSort: (a, b) =>
      compareOptional(
        a.refreshedAt ? Date.parse(a.refreshedAt) : undefined,
        b.refreshedAt ? Date.parse(b.refreshedAt) : undefined,
      ),
    render: row => <ReadAtCell row={row} />,
  },
];

/** A native select above the table, as the status and owner filters use it. */
const FilterSelect = (props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) => {
  const classes = useStyles();
  return (
    <TextField
      select
      id={props.id}
      label={props.label}
      variant="outlined"
      size="small"
      className={classes.filter}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
    >
      {props.children}
    </TextField>
  );
};

/**
 * Every API's posture: filter by status and owner above the table, search, sort and page in
 * it, and export the rows that pass the filters and the search as CSV.
 */
export const PosturesTable = (props: {
  rows: PostureRow[];
  /** Pause between the requests of a bulk onboarding. */
  bulkOnboardPaceMs?: number;
  /** Called after a bulk onboarding requested something, to read postures again. */
  onChanged?: () => void;
}) => {
  const { rows } = props;
  const [bulkOpen, setBulkOpen] = useState(false);
  const classes = useStyles();
  const [status, setStatus] = useState<PostureStatus | typeof ALL>(ALL);
  const [owner, setOwner] = useState<string>(ALL);
  const [search, setSearch] = useState('');

  const statusCounts = useMemo(() => {
    const counts = new Map<PostureStatus, number>();
    for (const row of rows) {
      counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
    }
    return counts;
  }, [rows]);

  const owners = useMemo(
    () =>
      [...new Set(rows.flatMap(row => row.owners))].sort((a, b) =>
        humanizeOwnerRef(a).localeCompare(humanizeOwnerRef(b)),
      ),
    [rows],
  );

  // The table searches itself; the filters are applied before it.
  const filtered = useMemo(
    () => filterRows(rows, { status: status || undefined, owner }),
    [rows, status, owner],
  );

  const onStateChange = useCallback(
    (state: TableState) => setSearch(state.search ?? ''),
    [],
  );

  // What the user sees: the filters and the search. Export and bulk onboarding both act on it.
  const shown = useMemo(
    () => filterRows(filtered, { search }),
    [filtered, search],
  );
  const onboardable = shown.filter(row => row.status === 'notOnboarded');

  const exportCsv = () => downloadText(csvFileName(), posturesCsv(shown));

  return (
    <>
      <Box className={classes.filters}>
        <FilterSelect
          id="defender-apis-status-filter"
          label="Status"
          value={status}
          onChange={value => setStatus(value as PostureStatus | '')}
        >
          <option value={ALL}>All statuses ({rows.length})</option>
          {POSTURE_STATUSES.map(s => (
            <option key={s} value={s}>
              {STATUS_PRESENTATION[s].label} ({statusCounts.get(s) ?? 0})
            </option>
          ))}
        </FilterSelect>
        {owners.length > 0 ? (
          <FilterSelect
            id="defender-apis-owner-filter"
            label="Owner"
            value={owner}
            onChange={setOwner}
          >
            <option value={ALL}>All owners</option>
            {owners.map(o => (
              <option key={o} value={o}>
                {humanizeOwnerRef(o)}
              </option>
            ))}
          </FilterSelect>
        ) : null}
        <Button
          className={classes.export}
          variant="outlined"
          color="primary"
          disabled={onboardable.length === 0}
          onClick={() => setBulkOpen(true)}
          title="Onboards the unprotected APIs that pass the filters and the search, one at a time"
        >
          Onboard unprotected ({onboardable.length})
        </Button>
        <Button
          variant="outlined"
          startIcon={<GetAppIcon />}
          onClick={exportCsv}
          title="Exports every API that passes the filters and the search, not only this page"
        >
          Export CSV
        </Button>
      </Box>
      <BulkOnboardDialog
        open={bulkOpen}
        rows={onboardable}
        paceMs={props.bulkOnboardPaceMs}
        onClose={changed => {
          setBulkOpen(false);
          if (changed) props.onChanged?.();
        }}
      />
      <Table<PostureRow>
        title={`APIs (${filtered.length})`}
        columns={columns}
        data={filtered}
        onStateChange={onStateChange}
        options={{
          search: true,
          sorting: true,
          paging: true,
          pageSize: 20,
          pageSizeOptions: [20, 50, 100],
          emptyRowsWhenPaging: false,
          padding: 'dense',
        }}
        emptyContent={
          <Box p={2}>
            <Typography>No APIs match the filters.</Typography>
          </Box>
        }
      />
    </>
  );
};
