import { lazy, Suspense, useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { PostureHistoryQuery } from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { defenderApisApiRef } from '../../api';
import { historyPoints, historySentence } from './historySeries';

// Its own chunk: the charting library loads only where a chart is drawn.
const HistoryChart = lazy(() => import('./HistoryChart'));

/**
 * Coverage and APIs at risk over the days the backend keeps, of the APIs of `query` (all the
 * viewer may see when empty): a chart once there are two days, and the change in words.
 */
export const PostureHistoryPanel = (props: {
  query: PostureHistoryQuery;
  height?: number;
}) => {
  const api = useApi(defenderApisApiRef);
  const key = JSON.stringify(props.query);
  const state = useAsyncRetry(
    () => api.getHistory(JSON.parse(key)),
    [api, key],
  );
  const history = state.value;
  const points = useMemo(
    () => (history ? historyPoints(history.days, history.to) : []),
    [history],
  );
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  if (!history) return <Progress />;
  if (history.days.length === 0) {
    return (
      <Typography variant="body2" data-testid="history-empty">
        No history yet. The backend records each API's posture once a day, after
        its refreshes; the chart starts with the first day recorded.
      </Typography>
    );
  }
  return (
    <Box data-testid="posture-history">
      <Typography variant="body2" paragraph>
        {historySentence(history.days)}
      </Typography>
      {points.length >= 2 ? (
        <Suspense fallback={<Progress />}>
          <HistoryChart points={points} height={props.height ?? 240} />
        </Suspense>
      ) : null}
    </Box>
  );
};
