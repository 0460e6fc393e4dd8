import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { BicepSnippet } from './BicepSnippet';
import { errorMessage } from '../common/format';
import { OnboardButton } from './OnboardButton';

/**
 * The way to onboard a not-onboarded API: the last failure if any, the button, and the Bicep
 * alternative. Renders nothing for other statuses.
 */
export const OnboardingPanel = (props: {
  posture: ApiPosture;
  /** True while the onboard request is in flight. */
  pending: boolean;
  /** The onboard request was refused or failed. */
  requestError?: Error;
  onOnboard: () => void;
}) => {
  const { posture, pending, requestError, onOnboard } = props;
  const failure =
    posture.onboarding?.state === 'failed' ? posture.onboarding : undefined;
  const showButton = posture.status === 'notOnboarded';

  if (!showButton && !requestError && !pending) return null;
  return (
    <Box mt={2}>
      {requestError ? (
        <Alert severity="error">
          Onboarding could not be started: {errorMessage(requestError)}
        </Alert>
      ) : null}
      {showButton && failure ? (
        <Alert severity="error">
          The last onboarding failed
          {failure.error ? `: ${failure.error}` : '.'}
        </Alert>
      ) : null}
      {pending ? (
        <Box my={1}>
          <Typography variant="body2">Requesting onboarding…</Typography>
          <LinearProgress aria-label="Requesting onboarding" />
        </Box>
      ) : null}
      {showButton ? (
        <Box mt={1}>
          <OnboardButton
            entityRef={posture.entityRef}
            owners={posture.owners}
            apiName={
              posture.api?.displayName ??
              posture.api?.apiId ??
              posture.entityRef
            }
            serviceName={posture.api?.serviceName}
            busy={pending}
            onConfirm={onOnboard}
          />
          {posture.api ? <BicepSnippet target={posture.api} /> : null}
        </Box>
      ) : null}
    </Box>
  );
};
