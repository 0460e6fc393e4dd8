import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { atServiceText } from '../common/format';

/** Confirmation before onboarding: what it creates, what it costs, how long until data. */
export const OnboardDialog = (props: {
  open: boolean;
  /** The API as people know it (display name or id). */
  apiName: string;
  /** The API Management service the API lives in, when known. */
  serviceName?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) => {
  const { open, apiName, serviceName, onConfirm, onCancel } = props;
  const at = atServiceText(serviceName);
  return (
    <Dialog
      open={open}
      onClose={onCancel}
      aria-labelledby="defender-apis-onboard-title"
    >
      <DialogTitle id="defender-apis-onboard-title">
        Onboard {apiName} to Defender for APIs?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Onboarding creates a Microsoft.Security/apiCollections resource for
          this API {at}, so Defender for APIs inventories and protects it.
        </DialogContentText>
        <DialogContentText>
          Billing follows the API&apos;s traffic on the subscription&apos;s
          Defender for APIs plan.
        </DialogContentText>
        <DialogContentText>
          First insights take up to about 50 minutes to appear.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button onClick={onConfirm} color="primary" variant="contained">
          Onboard
        </Button>
      </DialogActions>
    </Dialog>
  );
};
