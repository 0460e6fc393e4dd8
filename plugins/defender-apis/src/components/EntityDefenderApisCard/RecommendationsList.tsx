import { Link } from '@backstage/core-components';
import {
  azurePortalLink,
  PostureRecommendation,
} from '@defender-apis/plugin-defender-apis-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import { plural } from '../common/format';
import { WrappingListItemText } from '../common/WrappingListItemText';

/** How many endpoints a recommendation names before it says "and N more". */
const NAMED_ENDPOINTS = 3;

/** `on 2 endpoints: create-order, get-status`, cut after a few names. */
function endpointsText(
  recommendation: PostureRecommendation,
): string | undefined {
  const endpoints = recommendation.endpoints ?? [];
  if (endpoints.length === 0) return undefined;
  // The API itself counts among the affected resources, not among the endpoints.
  const count = Math.max(
    endpoints.length,
    (recommendation.affectedResources ?? 0) - (recommendation.onApi ? 1 : 0),
  );
  const named = endpoints.slice(0, NAMED_ENDPOINTS).join(', ');
  const more = count - Math.min(endpoints.length, NAMED_ENDPOINTS);
  return `on ${plural(count, 'endpoint')}: ${named}${
    more > 0 ? ` and ${more} more` : ''
  }`;
}

/**
 * Open recommendations, each with its severity, the endpoints it is on and Defender for
 * Cloud's remediation, linked to the portal when Azure gave a link.
 */
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
          // Assessments on operations are folded into one line; say which they cover.
          endpointsText(recommendation) ??
            (recommendation.affectedResources &&
            recommendation.affectedResources > 1
              ? plural(recommendation.affectedResources, 'affected resource')
              : undefined),
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
              secondary={
                details.length > 0 || recommendation.remediation ? (
                  <>
                    {details.join(' · ')}
                    {recommendation.remediation ? (
                      <span style={{ display: 'block' }}>
                        To fix: {recommendation.remediation}
                      </span>
                    ) : null}
                  </>
                ) : undefined
              }
            />
          </ListItem>
        );
      })}
    </List>
  );
};
