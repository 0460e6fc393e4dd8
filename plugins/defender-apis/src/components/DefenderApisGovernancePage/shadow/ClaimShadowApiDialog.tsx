import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { CodeSnippet } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  ShadowApi,
  shadowApiCatalogInfo,
} from '@defender-apis/plugin-defender-apis-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';

/** The owner a snippet starts with when the user belongs to no group. */
const PLACEHOLDER_OWNER = 'group:default/your-team';

/** The signed-in user's first group, which most likely owns what the user claims. */
function useDefaultOwner(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const { value } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    return ownershipEntityRefs.find(ref => ref.startsWith('group:'));
  }, [identityApi]);
  return value;
}

/**
 * A ready `catalog-info.yaml` that claims a shadow API for a team: the owner is the user's
 * first group unless they type another.
 */
export const ClaimShadowApiDialog = (props: {
  api: ShadowApi;
  onClose: () => void;
}) => {
  const { api, onClose } = props;
  const defaultOwner = useDefaultOwner();
  const [typed, setTyped] = useState<string>();
  const owner = typed ?? defaultOwner ?? PLACEHOLDER_OWNER;
  const name = api.displayName || api.apiId;
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Claim {name}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          Add this file to the owning team's repository and register it in the
          catalog. Once the catalog has it, the API leaves the shadow list and
          gets a Defender for APIs card.
        </Typography>
        <TextField
          id="shadow-api-owner"
          label="Owner"
          variant="outlined"
          size="small"
          fullWidth
          margin="dense"
          value={owner}
          onChange={e => setTyped(e.target.value)}
          helperText="The group (or user) that owns the API, as an entity ref"
        />
        <CodeSnippet
          language="yaml"
          text={shadowApiCatalogInfo(api, owner.trim() || PLACEHOLDER_OWNER)}
          showCopyCodeButton
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
