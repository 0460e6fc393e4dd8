import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  ApiPosture,
  EndpointFindingKind,
} from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { defenderApisApiRef } from '../../api';
import { errorMessage, plural } from '../common/format';
import { WrappingListItemText } from '../common/WrappingListItemText';

/** How each kind of finding reads on an endpoint. */
export const FINDING_LABELS: Record<EndpointFindingKind, string> = {
  unauthenticated: 'Unauthenticated',
  unused: 'Unused (30 days)',
  external: 'External traffic',
  sensitiveData: 'Sensitive data',
};

/**
 * The API's endpoints with open findings. The count comes with the posture; names, methods and
 * URL templates are read from API Management only when someone opens the list.
 */
export const EndpointFindingsList = (props: { posture: ApiPosture }) => {
  const { posture } = props;
  const api = useApi(defenderApisApiRef);
  const [{ value: list, loading, error }, open] = useAsyncFn(
    () => api.getEndpoints(parseEntityRef(posture.entityRef)),
    [api, posture.entityRef],
  );
  const total = posture.endpointFindingsTotal ?? 0;
  const titles = new Map(
    posture.recommendations.map(r => [r.key, r.displayName]),
  );
  return (
    <>
      <span>{`${plural(total, 'endpoint')} with open findings`}</span>
      {!list && !loading ? (
        <Box mt={0.5}>
          <Button size="small" variant="text" onClick={() => void open()}>
            Show endpoints
          </Button>
        </Box>
      ) : null}
      {loading ? <LinearProgress aria-label="Reading the endpoints" /> : null}
      {error ? (
        <Alert severity="warning">
          Could not read the endpoints: {errorMessage(error)}
        </Alert>
      ) : null}
      {list?.operationsError ? (
        <Typography variant="caption" component="p" color="textSecondary">
          Methods and URLs are missing: {list.operationsError}
        </Typography>
      ) : null}
      {list ? (
        <List dense disablePadding aria-label="Endpoints with open findings">
          {list.items.map(endpoint => (
            <ListItem key={endpoint.operationId} disableGutters>
              <WrappingListItemText
                primary={
                  <>
                    <code>
                      {endpoint.method ?? '?'}{' '}
                      {endpoint.urlTemplate ?? endpoint.operationId}
                    </code>{' '}
                    {endpoint.displayName ?? endpoint.operationId}
                  </>
                }
                secondary={
                  <>
                    {endpoint.findings.map(kind => (
                      <Chip
                        key={kind}
                        label={FINDING_LABELS[kind]}
                        size="small"
                        variant="outlined"
                        component="span"
                        style={{ marginRight: 4 }}
                      />
                    ))}
                    {endpoint.recommendationKeys
                      .map(key => titles.get(key) ?? key)
                      .join(' · ')}
                  </>
                }
              />
            </ListItem>
          ))}
          {list.total > list.items.length ? (
            <ListItem disableGutters>
              <WrappingListItemText
                secondary={`and ${
                  list.total - list.items.length
                } more in Defender for Cloud`}
              />
            </ListItem>
          ) : null}
        </List>
      ) : null}
    </>
  );
};
