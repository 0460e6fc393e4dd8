import { Locator } from '@playwright/test';

/**
 * What reads badly in a region of the page, found from the DOM as laid out in the browser:
 * - a table wider than its card with no scroll container between them (columns out of reach);
 * - text running out of its card where nothing scrolls to it (cut off by the card);
 * - a word (anything between spaces: names, ids) split across two lines;
 * - a status icon on another line than its label;
 * - text cut with an ellipsis and no tooltip (`title`) to read it whole;
 * - a sentence said twice (outside list and table rows, which may say the same of two APIs).
 * Returns one line per problem; none when the region reads well.
 */
export async function layoutProblems(region: Locator): Promise<string[]> {
  return region.evaluate((root: HTMLElement) => {
    const problems: string[] = [];
    const scrollsSideways = (el: Element) => {
      const overflowX = getComputedStyle(el).overflowX;
      return overflowX === 'auto' || overflowX === 'scroll';
    };

    for (const table of Array.from(root.querySelectorAll('table'))) {
      const card = table.closest('.MuiCard-root, .MuiPaper-root') ?? root;
      const tableRight = table.getBoundingClientRect().right;
      const cardRight = card.getBoundingClientRect().right;
      if (tableRight <= cardRight + 1) continue;
      let scroller: Element | null = table.parentElement;
      while (scroller && scroller !== card && !scrollsSideways(scroller))
        scroller = scroller.parentElement;
      if (!scroller || (scroller === card && !scrollsSideways(card))) {
        const header = table.querySelector('th')?.textContent ?? '';
        problems.push(
          `table (first column "${header}") is ${Math.round(
            tableRight - cardRight,
          )} px wider than its card, with no scroll container`,
        );
      }
    }

    // Text that runs out of its card (cut off by it) where nothing scrolls to it.
    for (const el of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
      const ownText = Array.from(el.childNodes).some(
        n => n.nodeType === Node.TEXT_NODE && n.textContent?.trim(),
      );
      if (!ownText || el.getBoundingClientRect().width === 0) continue;
      const card =
        el.parentElement?.closest('.MuiCard-root, .MuiPaper-root') ?? root;
      const cardRight = card.getBoundingClientRect().right;
      // What shows of it ends at the first ancestor inside the card that clips or scrolls.
      let visibleRight = el.getBoundingClientRect().right;
      let scrolls = false;
      for (
        let up = el.parentElement;
        up && up !== card && !scrolls;
        up = up.parentElement
      ) {
        if (scrollsSideways(up)) scrolls = true;
        else if (getComputedStyle(up).overflowX !== 'visible')
          visibleRight = Math.min(
            visibleRight,
            up.getBoundingClientRect().right,
          );
      }
      if (!scrolls && visibleRight > cardRight + 1)
        problems.push(
          `"${el.textContent?.trim().slice(0, 60)}" runs ${Math.round(
            visibleRight - cardRight,
          )} px out of its card`,
        );
    }

    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (const word of text.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index!);
        range.setEnd(node, word.index! + word[0].length);
        const lines = new Set(
          Array.from(range.getClientRects())
            .filter(r => r.width > 0 && r.height > 0)
            .map(r => Math.round(r.bottom)),
        );
        if (lines.size > 1)
          problems.push(`"${word[0]}" is split across ${lines.size} lines`);
      }
    }

    for (const light of Array.from(
      root.querySelectorAll('[aria-label^="Status "]'),
    )) {
      const icon = light.querySelector('svg')?.getBoundingClientRect();
      const label = Array.from(light.childNodes).find(
        n => n !== light.querySelector('svg') && n.textContent?.trim(),
      );
      if (!icon || !label) continue;
      const range = document.createRange();
      range.selectNodeContents(label);
      const first = range.getClientRects()[0];
      if (first && (icon.bottom < first.top || icon.top > first.bottom))
        problems.push(
          `the status icon of "${label.textContent?.trim()}" is not beside its label`,
        );
    }

    for (const el of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
      const style = getComputedStyle(el);
      if (style.textOverflow !== 'ellipsis') continue;
      if (el.scrollWidth <= el.clientWidth) continue;
      if (!el.closest('[title]'))
        problems.push(
          `"${el.textContent?.trim()}" is cut with no tooltip to read it whole`,
        );
    }

    // Rows of lists and tables may say the same of different APIs: left out.
    const outsideRows = root.cloneNode(true) as HTMLElement;
    outsideRows.querySelectorAll('li, tr').forEach(row => row.remove());
    const sentences = (outsideRows.textContent ?? '')
      .split(/(?<=[.!?])\s*/)
      .map(s => s.trim())
      .filter(s => s.length >= 40);
    const seen = new Set<string>();
    for (const sentence of sentences) {
      if (seen.has(sentence)) problems.push(`said twice: "${sentence}"`);
      seen.add(sentence);
    }
    return problems;
  });
}
