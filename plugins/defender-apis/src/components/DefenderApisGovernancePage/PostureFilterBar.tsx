import { ReactNode } from 'react';
import {
  CoverageKind,
  statusesOfCoverage,
  POSTURE_STATUSES,
  PostureCounts,
  PostureStatus,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { STATUS_PRESENTATION } from '../common/PostureStatusHeadline';
import { humanizeRef } from '../common/format';
import { PostureFilters } from './postureQuery';
import { SearchField } from './SearchField';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  filter: { minWidth: 200 },
}));

const ALL = '';

/** The "Defender plan" filter's choices, as the Defender portal names them. */
const COVERAGE_OPTIONS: Array<[CoverageKind, string]> = [
  ['threatProtection', 'Defender for APIs'],
  ['postureOnly', 'Defender CSPM only'],
  ['none', 'Not covered'],
];

/**
 * The attack path filter's choices. APIs whose attack paths are not known (Defender CSPM off)
 * are in neither.
 */
const ATTACK_PATH_CHOICES = [
  { key: 'on', value: true, label: 'On an attack path' },
  { key: 'none', value: false, label: 'On none (CSPM on)' },
] as const;

/** How many APIs of the summary have this kind of coverage. */
function countOfCoverage(summary: PostureSummary, kind: CoverageKind): number {
  return statusesOfCoverage([kind]).reduce(
    (n, s) => n + (summary.byStatus[s] ?? 0),
    0,
  );
}

/** A native select, as every filter uses it. */
export const FilterSelect = (props: {
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

/** The options of an owner, system or domain filter: the summary's groups, by name. */
const GroupOptions = (props: {
  allLabel: string;
  groups: Record<string, PostureCounts>;
}) => (
  <>
    <option value={ALL}>{props.allLabel}</option>
    {Object.entries(props.groups)
      .map(([ref, counts]) => ({ ref, name: humanizeRef(ref), counts }))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ ref, name, counts }) => (
        <option key={ref} value={ref}>
          {name} ({counts.total})
        </option>
      ))}
  </>
);

/** The filters whose options are the summary's groups. */
const GROUP_FILTERS = [
  { key: 'owner', label: 'Owner', allLabel: 'All owners', groups: 'byOwner' },
  {
    key: 'system',
    label: 'System',
    allLabel: 'All systems',
    groups: 'bySystem',
  },
  {
    key: 'domain',
    label: 'Domain',
    allLabel: 'All domains',
    groups: 'byDomain',
  },
] as const;

/**
 * The filters above the posture table: status, owner, system and domain (options and counts
 * from the summary; a filter with nothing to choose is left out) and a search in API names
 * and titles, reported once typing pauses.
 */
export const PostureFilterBar = (props: {
  summary: PostureSummary;
  filters: PostureFilters;
  onChange: (filters: PostureFilters) => void;
  /** Buttons at the end of the bar. */
  children?: ReactNode;
}) => {
  const { summary, filters, onChange } = props;
  const classes = useStyles();
  const set = (key: keyof PostureFilters) => (value: string) =>
    onChange({ ...filters, [key]: value || undefined });
  return (
    <Box className={classes.filters}>
      <FilterSelect
        id="defender-apis-status-filter"
        label="Status"
        value={filters.status ?? ALL}
        onChange={value =>
          onChange({
            ...filters,
            status: (value || undefined) as PostureStatus | undefined,
            // A status is of one kind of coverage: the two filters are alternatives.
            coverage: undefined,
          })
        }
      >
        <option value={ALL}>All statuses ({summary.total})</option>
        {POSTURE_STATUSES.map(s => (
          <option key={s} value={s}>
            {STATUS_PRESENTATION[s].label} ({summary.byStatus[s] ?? 0})
          </option>
        ))}
      </FilterSelect>
      <FilterSelect
        id="defender-apis-coverage-filter"
        label="Defender plan"
        value={filters.coverage ?? ALL}
        onChange={value =>
          onChange({
            ...filters,
            coverage: (value || undefined) as CoverageKind | undefined,
            status: undefined,
          })
        }
      >
        <option value={ALL}>All plans</option>
        {COVERAGE_OPTIONS.map(([kind, label]) => (
          <option key={kind} value={kind}>
            {label} ({countOfCoverage(summary, kind)})
          </option>
        ))}
      </FilterSelect>
      {GROUP_FILTERS.map(({ key, label, allLabel, groups }) =>
        Object.keys(summary[groups]).length > 0 ? (
          <FilterSelect
            key={key}
            id={`defender-apis-${key}-filter`}
            label={label}
            value={filters[key] ?? ALL}
            onChange={set(key)}
          >
            <GroupOptions allLabel={allLabel} groups={summary[groups]} />
          </FilterSelect>
        ) : null,
      )}
      <FilterSelect
        id="defender-apis-attack-path-filter"
        label="Attack paths"
        value={
          ATTACK_PATH_CHOICES.find(c => c.value === filters.onAttackPath)
            ?.key ?? ALL
        }
        onChange={key =>
          onChange({
            ...filters,
            onAttackPath: ATTACK_PATH_CHOICES.find(c => c.key === key)?.value,
          })
        }
      >
        <option value={ALL}>Any</option>
        {ATTACK_PATH_CHOICES.map(c => (
          <option key={c.key} value={c.key}>
            {c.label}
          </option>
        ))}
      </FilterSelect>
      <SearchField
        id="defender-apis-search"
        label="Search"
        placeholder="API name or title"
        className={classes.filter}
        value={filters.search ?? ''}
        onChange={search => onChange({ ...filters, search })}
      />
      {props.children}
    </Box>
  );
};
