import { Link } from '@backstage/core-components';
import {
  azurePortalLink,
  PostureAlert,
} from '@defender-apis/plugin-defender-apis-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import { formatRelativeTime } from '../common/format';
import { WrappingListItemText } from '../common/WrappingListItemText';

/** How many of the most recent alerts the card lists. */
export const ALERTS_LISTED = 3;

const SEVERITY_LABEL: Record<PostureAlert['severity'], string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  informational: 'Informational',
};

/** The most recent active alerts, each linked to Defender for Cloud when Azure gave a portal link. */
export const AlertsList = (props: {
  alerts: PostureAlert[];
  limit?: number;
}) => {
  const { alerts, limit = ALERTS_LISTED } = props;
  if (alerts.length === 0) return null;
  return (
    <List dense disablePadding aria-label="Latest alerts">
      {alerts.slice(0, limit).map(alert => {
        const link = azurePortalLink(alert.url);
        const title = link ? (
          <Link to={link}>{alert.displayName}</Link>
        ) : (
          alert.displayName
        );
        const when = alert.timeGenerated ? (
          <time dateTime={alert.timeGenerated} title={alert.timeGenerated}>
            {formatRelativeTime(alert.timeGenerated)}
          </time>
        ) : undefined;
        return (
          <ListItem key={alert.id} disableGutters>
            <WrappingListItemText
              primary={title}
              secondary={
                <>
                  {SEVERITY_LABEL[alert.severity]}
                  {when ? <> · {when}</> : null}
                </>
              }
            />
          </ListItem>
        );
      })}
    </List>
  );
};
