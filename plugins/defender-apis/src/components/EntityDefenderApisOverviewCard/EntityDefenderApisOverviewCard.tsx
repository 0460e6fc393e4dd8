import { ReactNode, useMemo, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  ApiPosture,
  coverageRatio,
  PostureCounts,
  PostureList,
  STATUS_ATTENTION_ORDER,
} from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { BulkOnboardDialog } from '../common/BulkOnboardDialog';
import { coverageText, formatPercent } from '../common/coverage';
import { toPostureRow } from '../common/rows';
import {
  STATUS_PRESENTATION,
  statusLightOf,
} from '../common/PostureStatusHeadline';
import { OverviewScope, overviewScopeOf, scopeQuery } from './overviewScope';
import { PostureHistoryPanel } from '../history/PostureHistoryPanel';
import { useOverview } from './useOverview';
import { PendingNotice } from '../common/PendingNotice';
import { WrappingListItemText } from '../common/WrappingListItemText';
import { WholeWords } from '../common/WholeWords';

const TITLE = 'Defender for APIs';

/**
 * Props of {@link EntityDefenderApisOverviewCard}.
 *
 * @public
 */
export interface EntityDefenderApisOverviewCardProps {
  /** How often the progress of "Onboard unprotected" is read, in milliseconds; default 3000. */
  bulkOnboardPollMs?: number;
}

const SUBHEADER: Record<OverviewScope['filter'], string> = {
  owner: 'APIs this group owns',
  system: 'APIs of this system',
};

const NONE: Record<OverviewScope['filter'], string> = {
  owner: 'This group owns no API entities.',
  system: 'This system has no API entities.',
};

/** Onboarded of applicable, with a bar; says so when Defender for APIs applies to none. */
const Coverage = (props: { counts: PostureCounts }) => {
  const { counts } = props;
  const ratio = coverageRatio(counts);
  if (ratio === undefined) {
    return (
      <Typography variant="body1" paragraph>
        Defender for APIs applies to none of its {counts.total} APIs (not
        applicable or not mapped).
      </Typography>
    );
  }
  return (
    <Box mb={2}>
      <Typography variant="h6" component="p" data-testid="overview-coverage">
        {coverageText(counts)} ({formatPercent(ratio)})
      </Typography>
      <LinearProgress
        variant="determinate"
        value={ratio * 100}
        aria-label="Coverage"
      />
    </Box>
  );
};

/** How many APIs are in each status, what needs attention first. */
const StatusCounts = (props: { counts: PostureCounts }) => {
  const { byStatus } = props.counts;
  const statuses = STATUS_ATTENTION_ORDER.filter(s => (byStatus[s] ?? 0) > 0);
  return (
    <Table size="small" aria-label="APIs by status">
      <TableBody>
        {statuses.map(status => {
          const { label, Icon } = STATUS_PRESENTATION[status];
          return (
            <TableRow key={status} data-testid={`status-count-${status}`}>
              <TableCell>
                {/* The label inside the light, beside its icon. */}
                <Icon>{label}</Icon>
              </TableCell>
              <TableCell align="right">{byStatus[status]}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
};

/** One listed API: its name linked to its entity page, its status and why. */
const AttentionItem = (props: { posture: ApiPosture }) => {
  const row = toPostureRow(props.posture);
  const Light = statusLightOf(props.posture);
  const { reason } = props.posture;
  return (
    <ListItem disableGutters>
      <WrappingListItemText
        primary={
          <EntityRefLink entityRef={row.entityRef} defaultKind="api">
            {row.name}
          </EntityRefLink>
        }
        secondary={
          <>
            <Light style={{ display: 'inline-flex', fontSize: 'inherit' }}>
              {row.statusLabel}
            </Light>
            {reason ? (
              <>
                {'\u00a0— '}
                <WholeWords text={reason} />
              </>
            ) : null}
          </>
        }
      />
    </ListItem>
  );
};

/** The at-risk, conflicting and unprotected APIs, and onboarding of the unprotected ones. */
const Attention = (props: {
  attention: PostureList;
  pollMs?: number;
  onChanged: () => void;
}) => {
  const { items, totalItems } = props.attention;
  const [onboardOpen, setOnboardOpen] = useState(false);
  // Only the APIs listed; the backend decides for each whether the viewer may onboard it.
  const unprotected = useMemo(
    () => items.filter(p => p.status === 'notOnboarded'),
    [items],
  );
  if (totalItems === 0) {
    return (
      <Typography variant="body2">
        None at risk, in conflict or unprotected.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="subtitle1" component="h3">
        At risk, in conflict or unprotected ({totalItems})
      </Typography>
      <List dense aria-label="APIs that need attention">
        {items.map(posture => (
          <AttentionItem key={posture.entityRef} posture={posture} />
        ))}
      </List>
      {totalItems > items.length ? (
        <Typography variant="body2" paragraph>
          Showing the first {items.length} of {totalItems}; the governance page
          lists them all.
        </Typography>
      ) : null}
      {unprotected.length > 0 ? (
        <>
          <Button
            variant="outlined"
            color="primary"
            onClick={() => setOnboardOpen(true)}
          >
            Onboard unprotected
          </Button>
          <Typography variant="caption" component="p">
            Onboards the {unprotected.length} unprotected{' '}
            {unprotected.length === 1 ? 'API' : 'APIs'} listed, one at a time;
            the backend checks for each whether you may.
          </Typography>
          <BulkOnboardDialog
            open={onboardOpen}
            postures={unprotected}
            pollMs={props.pollMs}
            onClose={changed => {
              setOnboardOpen(false);
              if (changed) props.onChanged();
            }}
          />
        </>
      ) : null}
    </>
  );
};

/**
 * Defender for APIs overview of the current Group or System entity: coverage of the APIs the
 * group owns (its own, not its sub-groups') or that are part of the system, counts by posture
 * status, the at-risk, conflicting and unprotected APIs linked to their pages, and gradual
 * onboarding of the unprotected ones. Two requests, whatever the number of APIs.
 *
 * @public
 */
export const EntityDefenderApisOverviewCard = (
  props: EntityDefenderApisOverviewCardProps,
) => {
  const { entity } = useEntity();
  const scope = useMemo(() => overviewScopeOf(entity), [entity]);
  const state = useOverview(scope);
  const overview = state.value;

  let content: ReactNode;
  if (!scope) {
    content = (
      <Typography variant="body2">
        This card shows the APIs of a Group or a System entity.
      </Typography>
    );
  } else if (state.error) {
    content = <ResponseErrorPanel error={state.error} />;
  } else if (!overview) {
    content = <Progress />;
  } else if (
    overview.counts.total === 0 &&
    overview.attention.totalItems === 0 &&
    overview.pending === 0
  ) {
    content = <Typography variant="body2">{NONE[scope.filter]}</Typography>;
  } else {
    content = (
      <>
        <PendingNotice
          pending={overview.pending}
          nextReadAt={overview.nextReadAt}
        />
        <Coverage counts={overview.counts} />
        <StatusCounts counts={overview.counts} />
        <Box mt={2}>
          <Typography variant="subtitle1" component="h3">
            Over time
          </Typography>
          <PostureHistoryPanel query={scopeQuery(scope)} height={180} />
        </Box>
        <Box mt={2}>
          <Attention
            attention={overview.attention}
            pollMs={props.bulkOnboardPollMs}
            onChanged={state.retry}
          />
        </Box>
      </>
    );
  }

  return (
    <InfoCard
      title={TITLE}
      subheader={scope ? SUBHEADER[scope.filter] : undefined}
    >
      {content}
    </InfoCard>
  );
};
