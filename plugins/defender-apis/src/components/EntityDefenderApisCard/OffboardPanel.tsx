import { useState } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  ApiPosture,
  ONBOARDED_STATUSES,
} from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { errorMessage, humanizeRef } from '../common/format';
import { OffboardDialog } from './OffboardDialog';
import { defenderApisApiRef } from '../../api';

/** Why the caller may not offboard, naming whom to ask (the API's owners). */
function whyNotText(owners: readonly string[]): string {
  const names = owners.map(humanizeRef);
  return names.length > 0
    ? `Only owners (${names.join(', ')}) can offboard this API.`
    : 'Only the owners of this API can offboard it.';
}

/**
 * The Offboard button of an onboarded API. The backend's decision is asked on the click, not
 * on every view of the card (most viewers never offboard): the confirmation opens for those
 * it allows, the others are told whom to ask. The backend decides again on the request.
 */
const OffboardButton = (props: {
  posture: ApiPosture;
  busy: boolean;
  onConfirm: () => void;
}) => {
  const { posture, busy, onConfirm } = props;
  const api = useApi(defenderApisApiRef);
  const [{ loading: checking, value: access, error }, check] = useAsyncFn(
    () => api.getPostureAccess(parseEntityRef(posture.entityRef)),
    [api, posture.entityRef],
  );
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  let refusal: string | undefined;
  if (error)
    refusal = `Could not check whether you may offboard this API: ${errorMessage(
      error,
    )}`;
  else if (access && !access.canOffboard) refusal = whyNotText(posture.owners);
  return (
    <>
      <Button
        variant="outlined"
        size="small"
        disabled={busy || checking}
        onClick={() => {
          setOpen(true);
          void check();
        }}
      >
        Offboard
      </Button>
      {open && refusal ? (
        <Dialog open onClose={close} aria-labelledby="defender-apis-refusal">
          <DialogTitle id="defender-apis-refusal">
            You cannot offboard this API
          </DialogTitle>
          <DialogContent>
            <DialogContentText>{refusal}</DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button onClick={close} color="primary">
              Close
            </Button>
          </DialogActions>
        </Dialog>
      ) : null}
      <OffboardDialog
        open={open && access?.canOffboard === true}
        apiName={
          posture.api?.displayName ?? posture.api?.apiId ?? posture.entityRef
        }
        serviceName={posture.api?.serviceName}
        onCancel={close}
        onConfirm={() => {
          close();
          onConfirm();
        }}
      />
    </>
  );
};

/**
 * Offboarding of an onboarded API for its owners: the button with its confirmation, the
 * request's progress and outcome. Nothing for APIs that are not onboarded by the Defender for
 * APIs plan (Defender CSPM's posture cannot be offboarded one by one).
 */
export const OffboardPanel = (props: {
  posture: ApiPosture;
  /** True while the offboard request is in flight. */
  pending: boolean;
  /** The offboard request was refused or failed. */
  requestError?: Error;
  /** This card's request offboarded the API. */
  offboarded: boolean;
  onOffboard: () => void;
}) => {
  const { posture, pending, requestError, offboarded, onOffboard } = props;
  const onboarded =
    ONBOARDED_STATUSES.includes(posture.status) && !posture.claimPending;
  if (!onboarded && !requestError && !offboarded) return null;
  return (
    <Box mt={2}>
      {requestError ? (
        <Alert severity="error">
          The API was not offboarded: {errorMessage(requestError)}
        </Alert>
      ) : null}
      {offboarded ? (
        <Alert severity="success">
          Offboarded from Defender for APIs: threat detection and alerts for
          this API have stopped.
        </Alert>
      ) : null}
      {pending ? (
        <Box my={1}>
          <Typography variant="body2">Offboarding…</Typography>
          <LinearProgress aria-label="Offboarding" />
        </Box>
      ) : null}
      {onboarded ? (
        <Box mt={1}>
          <OffboardButton
            posture={posture}
            busy={pending}
            onConfirm={onOffboard}
          />
        </Box>
      ) : null}
    </Box>
  );
};
