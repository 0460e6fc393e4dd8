import { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  oneLine: {
    display: 'inline-block',
    maxWidth: '100%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    verticalAlign: 'bottom',
  },
});

/**
 * A name kept on one line: never broken inside or between its words, cut with an ellipsis past
 * `maxWidth` (pixels), the whole of it in a tooltip.
 */
export const OneLine = (props: {
  children: ReactNode;
  /** The whole text, shown on hover. */
  title: string;
  maxWidth?: number;
}) => {
  const classes = useStyles();
  return (
    <span
      className={classes.oneLine}
      title={props.title}
      style={props.maxWidth ? { maxWidth: props.maxWidth } : undefined}
    >
      {props.children}
    </span>
  );
};
