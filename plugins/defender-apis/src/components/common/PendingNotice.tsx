import Alert from '@material-ui/lab/Alert';

/** The time of day a read is expected, in the viewer's locale ("14:05"). */
function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * Says that the counts leave out API entities no catalog-wide read has checked yet (new ones,
 * or all of them just after a first start) and when the backend expects to read them, so a
 * partial answer never passes for a whole one. Renders nothing when the answer is complete.
 */
export const PendingNotice = (props: {
  pending?: number;
  /** The answer's `nextReadAt`. */
  nextReadAt?: string;
}) => {
  const { pending = 0, nextReadAt } = props;
  if (pending <= 0) return null;
  const when =
    nextReadAt && !Number.isNaN(Date.parse(nextReadAt))
      ? `next read at ${timeOfDay(nextReadAt)}`
      : 'usually read within a minute';
  return (
    <Alert severity="info" data-testid="pending-notice">
      {pending === 1 ? '1 API is' : `${pending} APIs are`} not read yet and not
      counted here; {when}.
    </Alert>
  );
};
