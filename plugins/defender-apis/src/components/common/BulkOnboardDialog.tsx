import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ApiPosture,
  MAX_ONBOARDING_BATCH,
  OnboardingBatch,
  OnboardingBatchItem,
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
import { PostureRow, toPostureRow } from './rows';

/** Default interval between two reads of a running batch's progress. */
export const BULK_ONBOARD_POLL_MS = 3000;

type Phase = 'confirm' | 'requesting' | 'requested';

/** What one API of a batch has come to, in words. */
export function batchItemText(item: OnboardingBatchItem | undefined): string {
  if (!item) return 'Waiting';
  switch (item.outcome) {
    case 'refused':
      return `Refused: ${item.reason ?? 'no reason given'}`;
    case 'alreadyOnboarded':
      return 'Already onboarded';
    case 'alreadyQueued':
      return 'Already being onboarded';
    case 'cancelled':
      return 'Cancelled before it started';
    default:
      break;
  }
  switch (item.operation?.state) {
    case 'running':
      return 'Onboarding';
    case 'succeeded':
      return 'Onboarded';
    case 'failed':
      return `Failed: ${item.operation.error ?? 'no reason given'}`;
    default:
      return 'Queued: the backend starts it at its pace';
  }
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
  /** How often the batch's progress is read while the dialog is open. */
  pollMs?: number;
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
 * Confirms a gradual bulk onboarding of the given APIs, or of those the query selects (read
 * from the backend, every page, when the dialog opens), and hands it to the backend as
 * batches of at most 500: the backend checks each API, queues the accepted ones and starts
 * them at its configured pace per APIM service, whether or not this page stays open. While
 * open, the dialog shows each API's progress; what has not started can be cancelled.
 */
export const BulkOnboardDialog = (props: BulkOnboardDialogProps) => {
  const {
    open,
    query,
    postures,
    pollMs = BULK_ONBOARD_POLL_MS,
    onClose,
  } = props;
  const api = useApi(defenderApisApiRef);
  const [phase, setPhase] = useState<Phase>('confirm');
  const [batches, setBatches] = useState<OnboardingBatch[]>([]);
  const [requestError, setRequestError] = useState<Error>();

  // A query is read afresh at each opening: the list is what the backend says now, not at
  // page load.
  const targets = useAsyncRetry(async () => {
    if (!open) return undefined;
    const selected =
      postures ?? (query ? await loadMatchingPostures(api, query) : []);
    return selected.map(toPostureRow);
  }, [open, api, query, postures]);
  const rows = targets.loading ? undefined : targets.value;

  const pending = batches.some(b => b.counts.pending > 0);
  useEffect(() => {
    if (!open || phase !== 'requested' || !pending) return undefined;
    const timer = setInterval(async () => {
      try {
        setBatches(
          await Promise.all(batches.map(b => api.getOnboardingBatch(b.id))),
        );
      } catch {
        // The next read tries again; the batch runs in the backend either way.
      }
    }, pollMs);
    return () => clearInterval(timer);
  }, [open, phase, pending, batches, api, pollMs]);

  const start = async () => {
    if (!rows) return;
    setPhase('requesting');
    const refs = rows.map(r => r.entityRef);
    const requested: OnboardingBatch[] = [];
    try {
      for (let i = 0; i < refs.length; i += MAX_ONBOARDING_BATCH) {
        requested.push(
          await api.onboardBatch(refs.slice(i, i + MAX_ONBOARDING_BATCH)),
        );
        setBatches([...requested]);
      }
    } catch (error) {
      setRequestError(error as Error);
    }
    setPhase('requested');
  };

  const cancelBatches = async () => {
    try {
      setBatches(
        await Promise.all(batches.map(b => api.cancelOnboardingBatch(b.id))),
      );
    } catch (error) {
      setRequestError(error as Error);
    }
  };

  const close = () => {
    const changed = batches.some(b =>
      b.items.some(i => i.outcome === 'queued'),
    );
    setPhase('confirm');
    setBatches([]);
    setRequestError(undefined);
    onClose(changed);
  };

  const byRef = new Map<string, OnboardingBatchItem>(
    batches.flatMap(b => b.items.map(i => [i.entityRef, i] as const)),
  );
  const count = rows?.length ?? 0;
  const settled = batches.reduce(
    (n, b) => n + b.items.length - b.counts.pending,
    0,
  );
  const cancelled = batches.some(b => b.cancelledAt);
  return (
    <Dialog
      open={open}
      onClose={phase === 'requesting' ? undefined : close}
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
              Gradually, as Microsoft advises: the backend starts them at its
              configured pace (defenderApis.onboarding.pace) and runs at most a
              configured number at a time per API Management service. It carries
              on when you close this dialog or the page. APIs you may not
              onboard are reported, not onboarded.
            </DialogContentText>
          </>
        ) : null}
        {requestError ? <ResponseErrorPanel error={requestError} /> : null}
        {phase !== 'confirm' ? (
          <>
            <LinearProgress
              variant={phase === 'requesting' ? 'indeterminate' : 'determinate'}
              value={(settled / Math.max(count, 1)) * 100}
              aria-label="Bulk onboarding progress"
            />
            <DialogContentText>
              {phase === 'requesting'
                ? 'Handing the APIs to the backend…'
                : `${settled} of ${count} settled${
                    pending ? '; the backend carries on if you close this' : ''
                  }${cancelled ? '; cancelled' : ''}`}
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
                      : batchItemText(byRef.get(row.entityRef))
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
        {phase === 'requested' ? (
          <>
            {pending && !cancelled ? (
              <Button onClick={cancelBatches}>
                Cancel what has not started
              </Button>
            ) : null}
            <Button color="primary" onClick={close}>
              Close
            </Button>
          </>
        ) : null}
      </DialogActions>
    </Dialog>
  );
};
