import { boundedText, columnKey } from './columnKeys';

describe('columnKeys', () => {
  it('bounds a text to the column width, lower-cased, without NUL', () => {
    expect(columnKey(`Ab\u0000C${'x'.repeat(600)}`, 255)).toBe(
      `abc${'x'.repeat(252)}`,
    );
    expect(columnKey('Production', 255)).toBe('production');
  });

  it('never cuts inside a surrogate pair, and stays within the characters PostgreSQL counts', () => {
    const cut = boundedText(`a${'😀'.repeat(10)}`, 4);
    expect(cut).toBe('a😀');
    expect(Array.from(cut).length).toBeLessThanOrEqual(4);
    expect(boundedText('😀😀', 4)).toBe('😀😀');
  });
});
