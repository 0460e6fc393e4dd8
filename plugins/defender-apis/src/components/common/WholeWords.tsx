import { Fragment } from 'react';

/**
 * Text whose hyphenated words ("medium-severity", "team-checkout", ids) never break at their
 * hyphens: a line breaks between words only.
 */
export const WholeWords = (props: { text: string }) => (
  <>
    {props.text.split(/(\s+)/).map((part, i) =>
      part.includes('-') ? (
        <span key={i} style={{ whiteSpace: 'nowrap' }}>
          {part}
        </span>
      ) : (
        <Fragment key={i}>{part}</Fragment>
      ),
    )}
  </>
);
