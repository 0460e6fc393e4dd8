import { useState } from 'react';
import { CodeSnippet, CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import Typography from '@material-ui/core/Typography';
import { apiCollectionBicep, BicepTarget } from './bicep';

/** "Show Bicep": the infrastructure-as-code equivalent of the onboard button, with a copy button. */
export const BicepSnippet = (props: { target: BicepTarget }) => {
  const [shown, setShown] = useState(false);
  const text = apiCollectionBicep(props.target);
  return (
    <Box mt={1}>
      <Typography variant="body2" component="span">
        Prefer infrastructure as code?{' '}
      </Typography>
      <Button
        size="small"
        aria-expanded={shown}
        aria-controls="defender-apis-bicep"
        onClick={() => setShown(value => !value)}
      >
        {shown ? 'Hide Bicep' : 'Show Bicep'}
      </Button>
      <Collapse in={shown} unmountOnExit>
        <Box id="defender-apis-bicep" mt={1}>
          <Box display="flex" justifyContent="flex-end">
            <CopyTextButton
              text={text}
              aria-label="Copy Bicep"
              tooltipText="Bicep copied"
            />
          </Box>
          {/* No Bicep grammar in the highlighter; plain text is exact. */}
          <CodeSnippet text={text} language="text" />
        </Box>
      </Collapse>
    </Box>
  );
};
