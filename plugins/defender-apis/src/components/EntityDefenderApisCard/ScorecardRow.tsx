import { CompoundEntityRef } from '@backstage/catalog-model';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import { useScorecard } from './useScorecard';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(3),
    margin: theme.spacing(0, 0, 2),
  },
  term: {
    fontWeight: theme.typography.fontWeightMedium as number,
    color: theme.palette.text.secondary,
  },
  items: {
    margin: 0,
    padding: 0,
    listStyle: 'none',
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
  },
  item: { display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) },
  passed: { color: theme.palette.success.main },
  failed: { color: theme.palette.error.main },
}));

/**
 * "Scorecard": pass or fail of the Defender for APIs Tech Insights checks for the entity. Renders
 * nothing without a tech-insights backend or without results.
 */
export const ScorecardRow = (props: { entityRef: CompoundEntityRef }) => {
  const classes = useStyles();
  const items = useScorecard(props.entityRef);
  if (!items) return null;
  return (
    <div className={classes.row} data-testid="defender-apis-scorecard">
      <Typography variant="body2" className={classes.term}>
        Scorecard
      </Typography>
      <ul className={classes.items}>
        {items.map(item => (
          <Tooltip key={item.id} title={item.description ?? ''}>
            <li
              className={classes.item}
              data-testid={`scorecard-${item.id}`}
              aria-label={`${item.name}: ${item.passed ? 'passed' : 'failed'}`}
            >
              {item.passed ? (
                <CheckCircleIcon fontSize="small" className={classes.passed} />
              ) : (
                <CancelIcon fontSize="small" className={classes.failed} />
              )}
              <Typography variant="body2" component="span">
                {item.name}
              </Typography>
            </li>
          </Tooltip>
        ))}
      </ul>
    </div>
  );
};
