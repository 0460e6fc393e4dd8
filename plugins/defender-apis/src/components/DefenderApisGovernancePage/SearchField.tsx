import { useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import TextField from '@material-ui/core/TextField';

/** How long typing pauses before the search is reported (and goes to the backend). */
export const SEARCH_DEBOUNCE_MS = 400;

/**
 * A search box that keeps its text while the user types and reports it, trimmed, once typing
 * pauses: one request per search rather than per key, and the page re-renders only then.
 */
export const SearchField = (props: {
  id: string;
  label: string;
  placeholder?: string;
  className?: string;
  /** The search last reported. */
  value: string;
  onChange: (value: string) => void;
}) => {
  const { value, onChange } = props;
  const [text, setText] = useState(value);
  useDebounce(
    () => {
      if (text.trim() !== value) onChange(text.trim());
    },
    SEARCH_DEBOUNCE_MS,
    [text],
  );
  return (
    <TextField
      id={props.id}
      label={props.label}
      placeholder={props.placeholder}
      variant="outlined"
      size="small"
      type="search"
      className={props.className}
      value={text}
      onChange={e => setText(e.target.value)}
      InputLabelProps={{ shrink: true }}
    />
  );
};
