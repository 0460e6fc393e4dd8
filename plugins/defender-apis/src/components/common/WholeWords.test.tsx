import { render } from '@testing-library/react';
import { WholeWords } from './WholeWords';

describe('WholeWords', () => {
  it('keeps each hyphenated word on one line and the text as it was', () => {
    const text = '1 active medium-severity alert on team-checkout; 2 endpoints';
    const { container } = render(<WholeWords text={text} />);
    expect(container.textContent).toBe(text);
    const unbroken = Array.from(container.querySelectorAll('span')).map(
      span => [span.textContent, span.style.whiteSpace],
    );
    expect(unbroken).toEqual([
      ['medium-severity', 'nowrap'],
      ['team-checkout;', 'nowrap'],
    ]);
  });
});
