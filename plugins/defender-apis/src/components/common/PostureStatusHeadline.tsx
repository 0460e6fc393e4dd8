import { ComponentType, CSSProperties, PropsWithChildren } from 'react';
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  ApiPosture,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import Typography from '@material-ui/core/Typography';
import { WholeWords } from './WholeWords';
import { formatDay } from './format';

/**
 * A status light of core-components (`StatusOK`, `StatusWarning`, ...): a flex box of the icon
 * and its children; `style` goes to that box (`display: 'inline-flex'` to run text on after it).
 */
export type StatusIcon = ComponentType<
  PropsWithChildren<{ style?: CSSProperties }>
>;

/**
 * Label and status light per posture status, shared by the card and the governance page; a
 * Record so a new status fails to compile here.
 */
export const STATUS_PRESENTATION: Record<
  PostureStatus,
  { label: string; Icon: StatusIcon }
> = {
  protected: { label: 'Protected', Icon: StatusOK },
  atRisk: { label: 'At risk', Icon: StatusWarning },
  awaitingData: { label: 'Awaiting data', Icon: StatusPending },
  postureOnly: { label: 'Posture only', Icon: StatusWarning },
  onboarding: { label: 'Onboarding', Icon: StatusPending },
  notOnboarded: { label: 'Unprotected', Icon: StatusWarning },
  planDisabled: { label: 'Plan off', Icon: StatusWarning },
  notApplicable: { label: 'Not applicable', Icon: StatusAborted },
  unmapped: { label: 'Not mapped', Icon: StatusError },
  conflict: { label: 'Conflict', Icon: StatusError },
  error: { label: 'Unknown', Icon: StatusError },
};

/** The status light of a posture: high-severity alerts make "at risk" an error rather than a warning. */
export function statusLightOf(
  posture: Pick<ApiPosture, 'status' | 'alerts'>,
): StatusIcon {
  return posture.status === 'atRisk' && posture.alerts.bySeverity.high > 0
    ? StatusError
    : STATUS_PRESENTATION[posture.status].Icon;
}

/** The backend gives no reason for `protected`; say what it means. */
const PROTECTED_REASON =
  'Defender for APIs protects this API and reports no active alerts or unauthenticated endpoints.';

/** The posture's status with a status light and its reason sentence. */
export const PostureStatusHeadline = (props: { posture: ApiPosture }) => {
  const { status, reason, claimPending, statusSince } = props.posture;
  // Awaiting data, but not from Azure: its claim on the API is not checked yet.
  const label = claimPending
    ? 'Claim being checked'
    : STATUS_PRESENTATION[status].label;
  const Light = statusLightOf(props.posture);
  // The light is a flex box of its own; inline, the reason runs on after the label, and the
  // no-break space keeps the dash with the label rather than at the start of a line.
  return (
    <Typography variant="body1" component="div" data-testid="posture-headline">
      <Light style={{ display: 'inline-flex' }}>
        <strong>{label}</strong>
        {statusSince && !claimPending ? (
          <>
            {'\u00a0since\u00a0'}
            <time dateTime={statusSince} title={statusSince}>
              {formatDay(statusSince)}
            </time>
          </>
        ) : null}
      </Light>
      {'\u00a0— '}
      <WholeWords
        text={reason ?? (status === 'protected' ? PROTECTED_REASON : '')}
      />
    </Typography>
  );
};
