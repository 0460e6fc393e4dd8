import { useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ApiPosture,
  PostureListQuery,
} from '@defender-apis/plugin-defender-apis-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { defenderApisApiRef } from '../../api';
import { loadMatchingPostures } from './loadMatchingPostures';
import { BulkOnboardResult, onboardGradually } from './onboardGradually';
import { PostureRow, toPostureRow } from './rows';

/** Default pause between two onboarding requests of a bulk onboarding. */
export const BULK_ONBOARD_PACE_MS = 3000;

type Phase = 'confirm' | 'running' | 'done';

function resultText(result: BulkOnboardResult | undefined): string {
  if (!result) return 'Waiting';
  return result.outcome === 'requested'
    ? 'Requested'
    : `Refused: ${result.message}`;
}

function titleOf(rows: PostureRow[] | undefined): string {
  if (!rows) return 'Onboard the unprotected APIs to Defender for APIs?';
  if (rows.length === 0) return 'No unprotected APIs match the filters';
  return `Onboard ${rows.length} ${
    rows.length === 1 ? 'API' : 'APIs'
  } to Defender for APIs?`;
}

/** Props of {@link BulkOnboardDialog}: the APIs to onboard, by query or as already read. */
export type BulkOnboardDialogProps = {
  open: boolean;
  paceMs?: number;
  onClose: (changed: boolean) => void;
} & (
  | {
      /** The APIs to onboard: the page's filters narrowed to the not-onboarded ones. */
      query: PostureListQuery;
      postures?: undefined;
    }
  | {
      /** The APIs to onboard as the caller already read them (e.g. the ones a card lists). */
      postures: ApiPosture[];
      query?: undefined;
    }
);

/**
 * Confirms and runs a gradual bulk onboarding of the given APIs, or of those the query
 * selects, read from the backend (every page) when the dialog opens: one request at a time,
 * `paceMs` apart, with progress, a stop button and each API's outcome. The backend decides
 * for each API whether the user may onboard it and queues the operations per APIM service.
 */
export const BulkOnboardDialog = (props: BulkOnboardDialogProps) => {
  const {
    open,
    query,
    postures,
    paceMs = BULK_ONBOARD_PACE_MS,
    onClose,
  } = props;
  const api = useApi(defenderApisApiRef);
  const [phase, setPhase] = useState<Phase>('confirm');
  const [results, setResults] = useState<BulkOnboardResult[]>([]);
  const stop = useRef<AbortController>();

  // A query is read afresh at each opening: the list is what the backend says now, not at
  // page load.
  const targets = useAsyncRetry(async () => {
    if (!open) return undefined;
    const selected =
      postures ?? (query ? await loadMatchingPostures(api, query) : []);
    return selected.map(toPostureRow);
  }, [open, api, query, postures]);
  const rows = targets.loading ? undefined : targets.value;

  const start = async () => {
    if (!rows) return;
    setPhase('running');
    stop.current = new AbortController();
    await onboardGradually(
      rows.map(r => r.entityRef),
      ref => api.onboard(ref),
      { paceMs, signal: stop.current.signal, onProgress: setResults },
    );
    setPhase('done');
  };

  const close = () => {
    stop.current?.abort();
    const changed = results.some(r => r.outcome === 'requested');
    setPhase('confirm');
    setResults([]);
    onClose(changed);
  };

  const byRef = new Map(results.map(r => [r.entityRef, r]));
  const seconds = Math.round(paceMs / 1000);
  const count = rows?.length ?? 0;
  return (
    <Dialog
      open={open}
      onClose={phase === 'running' ? undefined : close}
      aria-labelledby="defender-apis-bulk-title"
      fullWidth
    >
      <DialogTitle id="defender-apis-bulk-title">
        {targets.error ? 'Could not read the APIs to onboard' : titleOf(rows)}
      </DialogTitle>
      <DialogContent>
        {targets.error ? <ResponseErrorPanel error={targets.error} /> : null}
        {!targets.error && !rows ? <Progress /> : null}
        {count > 0 ? (
          <>
            <DialogContentText>
              Each API gets a Microsoft.Security/apiCollections resource at its
              API Management service. Billing follows each API&apos;s traffic on
              its subscription&apos;s Defender for APIs plan, and first insights
              take up to about 50 minutes.
            </DialogContentText>
            <DialogContentText>
              Microsoft cautions that onboarding adds compute, memory and
              network load to the API Management instance, in extreme cases up
              to an outage: do not onboard many APIs at once while the instance
              is busy; onboard them gradually and watch its capacity.
            </DialogContentText>
            <DialogContentText>
              Gradually, as Microsoft advises: one request every {seconds}{' '}
              seconds, and the backend runs at most a configured number of
              onboardings at a time per API Management service. APIs you may not
              onboard are reported, not onboarded.
            </DialogContentText>
          </>
        ) : null}
        {phase !== 'confirm' ? (
          <>
            <LinearProgress
              variant="determinate"
              value={(results.length / Math.max(count, 1)) * 100}
              aria-label="Bulk onboarding progress"
            />
            <DialogContentText>
              {results.length} of {count} requested
              {phase === 'done' ? '' : '…'}
            </DialogContentText>
          </>
        ) : null}
        {rows && count > 0 ? (
          <List dense aria-label="APIs to onboard">
            {rows.map(row => (
              <ListItem key={row.entityRef} disableGutters>
                <ListItemText
                  primary={row.name}
                  secondary={
                    phase === 'confirm'
                      ? row.serviceName
                      : resultText(byRef.get(row.entityRef))
                  }
                />
              </ListItem>
            ))}
          </List>
        ) : null}
      </DialogContent>
      <DialogActions>
        {phase === 'confirm' ? (
          <>
            <Button onClick={close}>{count > 0 ? 'Cancel' : 'Close'}</Button>
            {count > 0 ? (
              <Button color="primary" variant="contained" onClick={start}>
                Onboard {count}
              </Button>
            ) : null}
          </>
        ) : null}
        {phase === 'running' ? (
          <Button onClick={() => stop.current?.abort()}>Stop</Button>
        ) : null}
        {phase === 'done' ? (
          <Button color="primary" onClick={close}>
            Close
          </Button>
        ) : null}
      </DialogActions>
    </Dialog>
  );
};
