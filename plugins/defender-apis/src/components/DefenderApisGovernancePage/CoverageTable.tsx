import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { PostureSummary } from '@defender-apis/plugin-defender-apis-common';
import { useMemo } from 'react';
import {
  compareOwnerCoverage,
  formatPercent,
  OwnerCoverage,
  ownerCoverage,
} from './coverage';

/** Owners shown per page; the worst come first. */
const PAGE_SIZE = 5;

const columns: TableColumn<OwnerCoverage>[] = [
  {
    title: 'Owner',
    field: 'owner',
    highlight: true,
    render: row => <EntityRefLink entityRef={row.owner} defaultKind="group" />,
  },
  { title: 'APIs', field: 'total', type: 'numeric' },
  { title: 'Protected', field: 'protected', type: 'numeric' },
  { title: 'At risk', field: 'atRisk', type: 'numeric' },
  {
    title: 'Not onboarded',
    field: 'notOnboarded',
    type: 'numeric',
    tooltip: 'Not onboarded, including APIs on subscriptions with the plan off',
  },
  {
    title: 'Coverage',
    field: 'ratio',
    type: 'numeric',
    customSort: compareOwnerCoverage,
    render: row => (
      <span
        title={`${row.covered} of ${row.applicable} applicable APIs onboarded`}
      >
        {formatPercent(row.ratio)}
      </span>
    ),
  },
];

/** Coverage per owning team, worst first, so the page says whom to talk to. */
export const OwnerCoverageTable = (props: { summary: PostureSummary }) => {
  const rows = useMemo(() => ownerCoverage(props.summary), [props.summary]);
  return (
    <Table<OwnerCoverage>
      title="Coverage by owner"
      subtitle="Worst first; an API with several owners counts for each"
      columns={columns}
      data={rows}
      options={{
        search: false,
        sorting: true,
        paging: rows.length > PAGE_SIZE,
        pageSize: PAGE_SIZE,
        pageSizeOptions: [PAGE_SIZE, 20, 50],
        padding: 'dense',
      }}
      emptyContent="No owners: no API entity has an owner relation."
    />
  );
};
