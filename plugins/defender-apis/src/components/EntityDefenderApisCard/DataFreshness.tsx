import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { formatRelativeTime } from '../common/format';

/** When the data was read from Azure, and a warning when the last refresh failed. */
export const DataFreshness = (props: { posture: ApiPosture }) => {
  const { refreshedAt, stale, staleReason } = props.posture;
  return (
    <>
      {stale ? (
        <Alert severity="warning" data-testid="posture-stale">
          Stale data: the last refresh from Azure failed
          {staleReason ? ` (${staleReason})` : ''}. Showing the last data read.
        </Alert>
      ) : null}
      {refreshedAt ? (
        <Typography
          variant="caption"
          color="textSecondary"
          component="p"
          align="right"
        >
          Read from Azure{' '}
          <time dateTime={refreshedAt} title={refreshedAt}>
            {formatRelativeTime(refreshedAt)}
          </time>
        </Typography>
      ) : null}
    </>
  );
};
