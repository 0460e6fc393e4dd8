import { ReactNode } from 'react';
import {
  coverageRatio,
  PostureStatus,
  PostureSummary,
} from '@defender-apis/plugin-defender-apis-common';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { STATUS_PRESENTATION } from '../common/PostureStatusHeadline';
import { coverageText, formatPercent } from '../common/coverage';

const useStyles = makeStyles(theme => ({
  tile: { height: '100%' },
  value: { fontWeight: theme.typography.fontWeightBold as number },
}));

interface TileProps {
  label: string;
  value: ReactNode;
  caption?: ReactNode;
  /** A status light before the label. */
  light?: ReactNode;
}

const Tile = ({ label, value, caption, light }: TileProps) => {
  const classes = useStyles();
  return (
    <Grid item xs={6} sm={4} md={3} lg={2}>
      <Card className={classes.tile} role="group" aria-label={label}>
        <CardContent>
          <Typography variant="body2" color="textSecondary" component="div">
            {light}
            {label}
          </Typography>
          <Typography variant="h4" component="p" className={classes.value}>
            {value}
          </Typography>
          {caption ? (
            <Typography variant="caption" color="textSecondary">
              {caption}
            </Typography>
          ) : null}
        </CardContent>
      </Card>
    </Grid>
  );
};

/** A status light with no text, for a tile's label. */
function lightOf(status: PostureStatus): ReactNode {
  const { Icon } = STATUS_PRESENTATION[status];
  return <Icon />;
}

/**
 * Catalog-wide counts at a glance: total APIs, coverage, and how many are in each status
 * group. The status tiles add up to the total.
 */
export const SummaryTiles = (props: {
  summary: PostureSummary;
  /** How many shadow APIs there are; absent when the user may not see them. */
  shadowApis?: number;
}) => {
  const { total } = props.summary;
  // Every status is in the summary; read defensively all the same.
  const n = (status: PostureStatus) => props.summary.byStatus[status] ?? 0;
  return (
    <Grid container spacing={2} component="section" aria-label="Summary">
      <Tile label="APIs" value={total} caption="API entities in the catalog" />
      <Tile
        label="Coverage"
        value={formatPercent(coverageRatio(props.summary))}
        caption={coverageText(props.summary)}
      />
      <Tile
        label="Protected"
        light={lightOf('protected')}
        value={n('protected')}
      />
      <Tile label="At risk" light={lightOf('atRisk')} value={n('atRisk')} />
      <Tile
        label="Not onboarded"
        light={lightOf('notOnboarded')}
        value={n('notOnboarded') + n('planDisabled')}
        caption={
          n('planDisabled') > 0
            ? `${n('planDisabled')} on subscriptions with the plan off`
            : undefined
        }
      />
      {n('postureOnly') > 0 ? (
        <Tile
          label="Posture only"
          light={lightOf('postureOnly')}
          value={n('postureOnly')}
          caption="Defender CSPM API posture, no threat detection: the Defender for APIs plan is off"
        />
      ) : null}
      <Tile
        label="Awaiting data"
        light={lightOf('awaitingData')}
        value={n('awaitingData')}
      />
      <Tile
        label="Onboarding"
        light={lightOf('onboarding')}
        value={n('onboarding')}
      />
      <Tile
        label="Not applicable"
        light={lightOf('notApplicable')}
        value={n('notApplicable')}
        caption="Not REST, self-hosted gateway, workspace, old revision or Consumption tier"
      />
      <Tile
        label="Conflicts"
        light={lightOf('conflict')}
        value={n('conflict')}
        caption="Entities of different owners name one API: keep one mapping, or set allowedOwners"
      />
      <Tile
        label="Unmapped or error"
        light={lightOf('unmapped')}
        value={n('unmapped') + n('error')}
        caption="Fix the annotation or check the last refresh"
      />
      {props.shadowApis !== undefined ? (
        <Tile
          label="Shadow APIs"
          value={props.shadowApis}
          caption="In API Management, in no catalog entity"
        />
      ) : null}
    </Grid>
  );
};
