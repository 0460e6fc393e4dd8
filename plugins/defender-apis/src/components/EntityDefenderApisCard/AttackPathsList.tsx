import { Link } from '@backstage/core-components';
import {
  azurePortalLink,
  PostureAttackPaths,
} from '@defender-apis/plugin-defender-apis-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import { plural } from '../common/format';
import { WholeWords } from '../common/WholeWords';
import { WrappingListItemText } from '../common/WrappingListItemText';

/** How many attack paths the card lists, highest risk first. */
export const ATTACK_PATHS_LISTED = 3;

/** What the card says of the attack paths through the API: how many, or why not known. */
export function attackPathsText(attackPaths: PostureAttackPaths): string {
  if (!attackPaths.available)
    return `Not available: ${attackPaths.reason ?? 'not read'}`;
  return attackPaths.items.length === 0
    ? 'None through this API'
    : `${plural(attackPaths.items.length, 'attack path')} through this API`;
}

/**
 * The attack paths through the API, highest risk first: title (linked to attack path analysis),
 * risk level and categories, entry point to target, and the API's operations on the path.
 */
export const AttackPathsList = (props: {
  attackPaths: PostureAttackPaths;
  limit?: number;
}) => {
  const { attackPaths, limit = ATTACK_PATHS_LISTED } = props;
  if (!attackPaths.available || attackPaths.items.length === 0) return null;
  return (
    <List dense disablePadding aria-label="Attack paths">
      {attackPaths.items.slice(0, limit).map(path => {
        const link = azurePortalLink(path.url);
        const route =
          path.entryPoint && path.target
            ? `${path.entryPoint} → ${path.target}`
            : undefined;
        return (
          <ListItem key={path.id} disableGutters>
            <WrappingListItemText
              primary={
                link ? (
                  <Link to={link}>{path.displayName}</Link>
                ) : (
                  path.displayName
                )
              }
              secondary={
                <WholeWords
                  text={[
                    `${path.riskLevel} risk`,
                    path.riskCategories.join(', '),
                    route,
                    path.through.length > 0
                      ? `through ${path.through.join(', ')}`
                      : undefined,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                />
              }
            />
          </ListItem>
        );
      })}
    </List>
  );
};
