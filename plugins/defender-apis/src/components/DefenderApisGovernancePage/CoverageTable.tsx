import { useMemo } from 'react';
import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { PostureCounts } from '@defender-apis/plugin-defender-apis-common';
import {
  compareCoverage,
  coverageRows,
  coverageText,
  formatPercent,
  GroupCoverage,
} from '../common/coverage';
import { humanizeRef } from '../common/format';
import { OneLine } from '../common/OneLine';

/** Groups shown per page; the worst come first. */
const PAGE_SIZE = 5;

function columnsFor(
  groupTitle: string,
  defaultKind: string,
): TableColumn<GroupCoverage>[] {
  return [
    {
      title: groupTitle,
      field: 'ref',
      highlight: true,
      render: row => (
        <OneLine title={humanizeRef(row.ref)} maxWidth={220}>
          <EntityRefLink entityRef={row.ref} defaultKind={defaultKind} />
        </OneLine>
      ),
    },
    { title: 'APIs', field: 'total', type: 'numeric' },
    { title: 'Protected', field: 'protected', type: 'numeric' },
    { title: 'At risk', field: 'atRisk', type: 'numeric' },
    {
      title: 'Not onboarded',
      field: 'notOnboarded',
      type: 'numeric',
      tooltip:
        'Not onboarded, including APIs on subscriptions with the plan off',
    },
    {
      title: 'Coverage',
      field: 'ratio',
      type: 'numeric',
      customSort: compareCoverage,
      render: row => (
        <span title={coverageText(row)}>{formatPercent(row.ratio)}</span>
      ),
    },
  ];
}

/**
 * Coverage per owner, system or domain from the summary's counts, worst first, so the page
 * says where to look.
 */
export const CoverageTable = (props: {
  title: string;
  subtitle?: string;
  /** The summary's `byOwner`, `bySystem` or `byDomain`. */
  groups: Record<string, PostureCounts>;
  /** Header of the first column, e.g. `Owner`. */
  groupTitle: string;
  /** Kind of the refs, for their links: `group`, `system` or `domain`. */
  defaultKind: string;
  /** Shown when there are no groups. */
  emptyText: string;
}) => {
  const { groups, groupTitle, defaultKind } = props;
  const rows = useMemo(() => coverageRows(groups), [groups]);
  const columns = useMemo(
    () => columnsFor(groupTitle, defaultKind),
    [groupTitle, defaultKind],
  );
  return (
    <Table<GroupCoverage>
      title={props.title}
      subtitle={props.subtitle}
      columns={columns}
      data={rows}
      options={{
        search: false,
        sorting: true,
        paging: rows.length > PAGE_SIZE,
        pageSize: PAGE_SIZE,
        pageSizeOptions: [PAGE_SIZE, 20, 50],
        padding: 'dense',
        headerStyle: { whiteSpace: 'nowrap' },
      }}
      emptyContent={props.emptyText}
    />
  );
};
