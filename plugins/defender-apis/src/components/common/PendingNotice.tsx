import Alert from '@material-ui/lab/Alert';

/**
 * Says that the counts leave out API entities no refresh has checked yet (new ones, or all of
 * them just after a first start), so a partial answer never passes for a whole one. Renders
 * nothing when the answer is complete.
 */
export const PendingNotice = (props: { pending?: number }) => {
  const { pending = 0 } = props;
  if (pending <= 0) return null;
  return (
    <Alert severity="info" data-testid="pending-notice">
      {pending === 1 ? '1 API is' : `${pending} APIs are`} not read yet and not
      counted here: Defender for APIs shows them once a refresh has checked
      them, usually within a minute.
    </Alert>
  );
};
