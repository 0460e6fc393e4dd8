import { ReactNode } from 'react';
import { TableColumn } from '@backstage/core-components';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import { PostureSortField } from '@defender-apis/plugin-defender-apis-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { statusLightOf } from '../common/PostureStatusHeadline';
import { formatRelativeTime, humanizeRef } from '../common/format';
import { OneLine } from '../common/OneLine';
import { PostureRow } from '../common/rows';

const useStyles = makeStyles(theme => ({
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

const NONE = '—';

const StatusCell = ({ row }: { row: PostureRow }) => {
  const Light = statusLightOf(row.posture);
  return (
    <span title={row.posture.reason} style={{ whiteSpace: 'nowrap' }}>
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
        <time
          dateTime={row.refreshedAt}
          title={row.refreshedAt}
          style={{ whiteSpace: 'nowrap' }}
        >
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

/** Widest a name column gets before its names are cut (the whole name in a tooltip). */
const NAME_WIDTH = 220;

/** A value with a smaller second line under it, e.g. the APIM service and the API id. */
const WithCaption = (props: { children: ReactNode; caption?: string }) => (
  <>
    {props.children}
    {props.caption ? (
      <Typography variant="caption" color="textSecondary" component="div">
        <OneLine title={props.caption} maxWidth={NAME_WIDTH}>
          {props.caption}
        </OneLine>
      </Typography>
    ) : null}
  </>
);

/**
 * What the backend sorts each sortable column by, keyed by the column's `field`. Columns
 * missing here cannot be sorted: the backend would not know how.
 */
const SORT_BY_FIELD: Partial<Record<keyof PostureRow, PostureSortField>> = {
  name: 'name',
  statusLabel: 'status',
  owners: 'owner',
  system: 'system',
  unauthenticated: 'unauthenticated',
  sensitiveDataExposed: 'sensitiveData',
  // High-severity alerts are what needs attention; the cell shows them beside the total.
  activeAlerts: 'highAlerts',
  refreshedAt: 'refreshedAt',
};

function sortable(column: TableColumn<PostureRow>): TableColumn<PostureRow> {
  const field = column.field as keyof PostureRow;
  return { ...column, sorting: SORT_BY_FIELD[field] !== undefined };
}

/** The sort part of the table's remote-data query. */
export interface TableSortQuery {
  /** The sorted column, absent when none is. */
  orderBy?: Pick<TableColumn<PostureRow>, 'field'>;
  orderDirection?: string;
}

/** The backend's sort of the table's query; none when no column is sorted. */
export function sortOfQuery(query: TableSortQuery): {
  sort?: PostureSortField;
  order?: 'asc' | 'desc';
} {
  const field = query.orderBy?.field as keyof PostureRow | undefined;
  const sort = field ? SORT_BY_FIELD[field] : undefined;
  if (!sort) return {};
  return { sort, order: query.orderDirection === 'desc' ? 'desc' : 'asc' };
}

const COLUMNS: TableColumn<PostureRow>[] = [
  {
    title: 'API',
    field: 'name',
    highlight: true,
    render: row => (
      <OneLine title={row.name} maxWidth={NAME_WIDTH}>
        <EntityRefLink entityRef={row.entityRef} defaultKind="api">
          {row.name}
        </EntityRefLink>
      </OneLine>
    ),
  },
  {
    title: 'Status',
    field: 'statusLabel',
    tooltip: 'Sorted by what needs attention first',
    render: row => <StatusCell row={row} />,
  },
  {
    title: 'Owners',
    field: 'owners',
    render: row =>
      row.owners.length > 0 ? (
        <OneLine
          title={row.owners.map(humanizeRef).join(', ')}
          maxWidth={NAME_WIDTH}
        >
          <EntityRefLinks entityRefs={row.owners} defaultKind="group" />
        </OneLine>
      ) : (
        NONE
      ),
  },
  {
    title: 'System',
    field: 'system',
    render: row =>
      row.system ? (
        <WithCaption caption={row.lifecycle}>
          <OneLine title={humanizeRef(row.system)} maxWidth={NAME_WIDTH}>
            <EntityRefLink entityRef={row.system} defaultKind="system" />
          </OneLine>
        </WithCaption>
      ) : (
        row.lifecycle ?? NONE
      ),
  },
  {
    title: 'APIM service',
    field: 'serviceName',
    render: row =>
      row.serviceName ? (
        <WithCaption caption={row.apiId}>
          <OneLine title={row.serviceName} maxWidth={NAME_WIDTH}>
            {row.serviceName}
          </OneLine>
        </WithCaption>
      ) : (
        NONE
      ),
  },
  {
    title: 'Unauthenticated / endpoints',
    field: 'unauthenticated',
    type: 'numeric',
    render: row => <EndpointsCell row={row} />,
  },
  {
    title: 'Sensitive data endpoints',
    field: 'sensitiveDataExposed',
    type: 'numeric',
    render: row => row.sensitiveDataExposed ?? NONE,
  },
  {
    title: 'Active alerts',
    field: 'activeAlerts',
    type: 'numeric',
    tooltip: 'Sorted by high-severity alerts',
    render: row => <AlertsCell row={row} />,
  },
  {
    title: 'Open recommendations',
    field: 'openRecommendations',
    type: 'numeric',
  },
  {
    title: 'Attack paths',
    field: 'attackPaths',
    type: 'numeric',
    tooltip: 'Defender CSPM attack paths through the API; — when not known',
    render: row => row.attackPaths ?? NONE,
  },
  {
    title: 'Plan',
    field: 'plan',
    render: row => row.plan ?? NONE,
  },
  {
    title: 'Read',
    field: 'refreshedAt',
    render: row => <ReadAtCell row={row} />,
  },
];

/** The posture table's columns; stable, so the table keeps its state across renders. */
export const POSTURE_COLUMNS: TableColumn<PostureRow>[] = COLUMNS.map(sortable);
