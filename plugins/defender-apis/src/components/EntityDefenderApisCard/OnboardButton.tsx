import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { errorMessage, humanizeRef } from '../common/format';
import { OnboardDialog } from './OnboardDialog';
import { useOnboardAccess } from './useOnboardAccess';

/** Why the button is off for this caller, naming whom to ask (the API's owners). */
export function notAllowedText(owners: readonly string[]): string {
  const names = owners.map(humanizeRef);
  return names.length > 0
    ? `Only owners (${names.join(', ')}) can onboard this API`
    : 'Only the owners of this API can onboard it';
}

/**
 * Onboard button with its confirmation dialog. Enabled when the backend said the caller may
 * onboard; that is only a reflection, the backend checks again on the request.
 */
export const OnboardButton = (props: {
  /** Ref of the API entity, whose access the button asks the backend for. */
  entityRef: string;
  /** The API's owners (the posture's `owners`), named when the caller may not onboard. */
  owners: readonly string[];
  apiName: string;
  serviceName?: string;
  /** True while a request is in flight, so a double click makes one request. */
  busy?: boolean;
  onConfirm: () => void;
}) => {
  const {
    entityRef,
    owners,
    apiName,
    serviceName,
    busy = false,
    onConfirm,
  } = props;
  const [open, setOpen] = useState(false);
  const { access, checking, error } = useOnboardAccess(entityRef);
  const allowed = access?.canOnboard === true;
  let whyNot = notAllowedText(owners);
  if (checking) whyNot = 'Checking whether you may onboard this API…';
  else if (error)
    whyNot = `Could not check whether you may onboard this API: ${errorMessage(
      error,
    )}`;

  const button = (
    <Button
      variant="contained"
      color="primary"
      disabled={!allowed || busy}
      onClick={() => setOpen(true)}
    >
      Onboard
    </Button>
  );

  return (
    <>
      {allowed ? (
        button
      ) : (
        <Tooltip title={whyNot}>
          {/* A disabled button fires no mouse events; the span lets the tooltip open. */}
          <span data-testid="onboard-button-wrapper">{button}</span>
        </Tooltip>
      )}
      <OnboardDialog
        open={open}
        apiName={apiName}
        serviceName={serviceName}
        onCancel={() => setOpen(false)}
        onConfirm={() => {
          setOpen(false);
          onConfirm();
        }}
      />
    </>
  );
};
