import { useCallback, useMemo, useState } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ShadowApi,
  ShadowApiList,
  ShadowApiQuery,
} from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { defenderApisApiRef } from '../../../api';
import { formatRelativeTime } from '../../common/format';
import { FilterSelect } from '../PostureFilterBar';
import { SearchField } from '../SearchField';
import {
  remoteTableOptions,
  RemotePageRequest,
  useRemotePages,
} from '../useRemotePages';
import { ClaimShadowApiDialog } from './ClaimShadowApiDialog';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  notice: { marginBottom: theme.spacing(2) },
}));

const TABLE_OPTIONS = remoteTableOptions<ShadowApi>(false);

type YesNo = '' | 'true' | 'false';

const asBoolean = (value: YesNo) =>
  value === '' ? undefined : value === 'true';

/**
 * APIs published in API Management that no catalog entity maps to, one page at a time from
 * the backend, with a ready `catalog-info.yaml` per API to claim it.
 */
export const ShadowApisTable = () => {
  const api = useApi(defenderApisApiRef);
  const classes = useStyles();
  const [q, setQ] = useState('');
  const [onboarded, setOnboarded] = useState<YesNo>('');
  const [applicable, setApplicable] = useState<YesNo>('');
  const [claiming, setClaiming] = useState<ShadowApi>();
  const [last, setLast] = useState<ShadowApiList>();

  const query = useMemo<ShadowApiQuery>(
    () => ({
      q: q || undefined,
      onboarded: asBoolean(onboarded),
      applicable: asBoolean(applicable),
    }),
    [q, onboarded, applicable],
  );
  const read = useCallback(
    async (request: RemotePageRequest) => {
      const page = await api.listShadowApis({
        ...query,
        offset: request.page * request.pageSize,
        limit: request.pageSize,
      });
      // When it was read and what failed is the same for every filter: any page says it.
      setLast(page);
      return { rows: page.items, totalItems: page.totalItems };
    },
    [api, query],
  );
  const { tableRef, loadPage, localization, totalItems } = useRemotePages(
    read,
    'No shadow APIs match the filters: every API of the read services is in the catalog.',
  );

  const columns = useMemo<TableColumn<ShadowApi>[]>(
    () => [
      {
        title: 'API',
        field: 'apiId',
        render: row => (
          <>
            <Link to={row.portalUrl}>{row.displayName || row.apiId}</Link>
            <Typography variant="caption" display="block" color="textSecondary">
              {row.apiId}
            </Typography>
          </>
        ),
      },
      {
        title: 'APIM service',
        field: 'serviceName',
        render: row => (
          <>
            {row.serviceName}
            <Typography variant="caption" display="block" color="textSecondary">
              {row.resourceGroup} · {row.subscriptionId}
            </Typography>
          </>
        ),
      },
      { title: 'Type', render: row => row.apiType ?? 'http' },
      {
        title: 'Onboarded',
        render: row =>
          row.onboarded
            ? `Yes${
                row.collectionState && row.collectionState !== 'Succeeded'
                  ? ` (${row.collectionState})`
                  : ''
              }`
            : 'No',
      },
      {
        title: 'Defender can protect',
        render: row =>
          row.applicable ? 'Yes' : `No: ${row.notApplicable?.reason ?? ''}`,
      },
      {
        title: 'Claim',
        render: row => (
          <Button
            size="small"
            variant="outlined"
            onClick={() => setClaiming(row)}
            aria-label={`catalog-info.yaml for ${row.displayName || row.apiId}`}
          >
            catalog-info.yaml
          </Button>
        ),
      },
    ],
    [],
  );

  return (
    <>
      <Typography variant="body2" paragraph>
        APIs published in the API Management services this portal reads that no
        catalog entity maps to, as the last catalog-wide refresh found them
        {last?.readAt ? ` (${formatRelativeTime(last.readAt)})` : ''}. Claim one
        with its catalog-info.yaml so that its owners see its Defender for APIs
        posture.
      </Typography>
      {last?.unreadServices?.length ? (
        <Alert severity="warning" className={classes.notice}>
          The last read of{' '}
          {last.unreadServices.map(s => s.serviceName).join(', ')} failed; its
          APIs are listed as last read. {last.unreadServices[0].reason}
        </Alert>
      ) : null}
      <Box className={classes.bar}>
        <SearchField
          id="shadow-api-search"
          label="Search"
          placeholder="API id or name"
          value={q}
          onChange={setQ}
        />
        <FilterSelect
          id="shadow-api-onboarded"
          label="Onboarded"
          value={onboarded}
          onChange={v => setOnboarded(v as YesNo)}
        >
          <option value="">Any</option>
          <option value="true">Onboarded</option>
          <option value="false">Not onboarded</option>
        </FilterSelect>
        <FilterSelect
          id="shadow-api-applicable"
          label="Defender can protect"
          value={applicable}
          onChange={v => setApplicable(v as YesNo)}
        >
          <option value="">Any</option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </FilterSelect>
      </Box>
      <Table<ShadowApi>
        tableRef={tableRef}
        title={
          totalItems === undefined
            ? 'Shadow APIs'
            : `Shadow APIs (${totalItems})`
        }
        columns={columns}
        data={loadPage}
        options={TABLE_OPTIONS}
        localization={localization}
      />
      {claiming ? (
        <ClaimShadowApiDialog
          api={claiming}
          onClose={() => setClaiming(undefined)}
        />
      ) : null}
    </>
  );
};
