import ListItemText, {
  ListItemTextProps,
} from '@material-ui/core/ListItemText';

/**
 * A list item's text that wraps: Backstage's theme keeps list item text on one line, cut with
 * an ellipsis, which leaves long alert and recommendation titles unreadable in a card.
 */
export const WrappingListItemText = (props: ListItemTextProps) => (
  <ListItemText
    {...props}
    style={{ whiteSpace: 'normal', overflow: 'visible', ...props.style }}
  />
);
