import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { atServiceText } from '../common/format';

/**
 * Confirmation before offboarding: which API, and what stops with it.
 */
export const OffboardDialog = (props: {
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
      aria-labelledby="defender-apis-offboard-title"
    >
      <DialogTitle id="defender-apis-offboard-title">
        Offboard {apiName} from Defender for APIs?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Offboarding deletes the Microsoft.Security/apiCollections resource of
          this API {at}. From then on, for this API:
        </DialogContentText>
        <ul>
          <li>
            <DialogContentText component="span">
              Defender for APIs no longer detects threats and raises no security
              alerts.
            </DialogContentText>
          </li>
          <li>
            <DialogContentText component="span">
              Its endpoint inventory and findings (authentication, sensitive
              data, unused and external endpoints) are gone, with their history
              in Defender for Cloud.
            </DialogContentText>
          </li>
        </ul>
        <DialogContentText>
          Onboarding it again starts over: first insights take up to about 50
          minutes.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} color="primary">
          Cancel
        </Button>
        <Button onClick={onConfirm} color="secondary" variant="contained">
          Offboard
        </Button>
      </DialogActions>
    </Dialog>
  );
};
