import { Link } from '@backstage/core-components';
import {
  azurePortalLink,
  PostureRecommendation,
} from '@defender-apis/plugin-defender-apis-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import { plural } from '../common/format';
import { WrappingListItemText } from '../common/WrappingListItemText';

/** Open recommendations, each linked to Defender for Cloud when Azure gave a portal link. */
export const RecommendationsList = (props: {
  recommendations: PostureRecommendation[];
}) => {
  if (props.recommendations.length === 0) return null;
  return (
    <List dense disablePadding aria-label="Open recommendations">
      {props.recommendations.map(recommendation => {
        const details = [
          recommendation.severity
            ? `${recommendation.severity} severity`
            : undefined,
          // Assessments on operations are folded into one line; say how many they cover.
          recommendation.affectedResources &&
          recommendation.affectedResources > 1
            ? plural(recommendation.affectedResources, 'affected resource')
            : undefined,
        ].filter(Boolean);
        const link = azurePortalLink(recommendation.url);
        return (
          <ListItem key={recommendation.key} disableGutters>
            <WrappingListItemText
              primary={
                link ? (
                  <Link to={link}>{recommendation.displayName}</Link>
                ) : (
                  recommendation.displayName
                )
              }
              secondary={details.length > 0 ? details.join(' · ') : undefined}
            />
          </ListItem>
        );
      })}
    </List>
  );
};
