/**
 * Below 600 px each table row is shown as a card (styles.css, "phones"): every cell then carries its
 * column's heading as `data-label`, which the stylesheet prints beside the value. The headings are
 * copied from each table's `<thead>` here, for every table under `root` and as rows come and go, so
 * that no page has to label its cells itself. A cell spanning several columns gets no label.
 */
import { type RefObject, useEffect } from 'react';

function labelTable(table: HTMLTableElement): void {
  const heads = table.tHead?.rows[0]?.cells;
  if (!heads) return;
  const labels = Array.from(heads, (th) => {
    const shown = th.cloneNode(true) as HTMLElement;
    for (const hidden of shown.querySelectorAll('.visually-hidden')) hidden.remove();
    return (shown.textContent ?? '').trim();
  });
  for (const body of table.tBodies)
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        const label = cell.colSpan > 1 ? '' : (labels[column] ?? '');
        if (cell.dataset.label !== label) cell.dataset.label = label;
        column += cell.colSpan;
      }
    }
}

export function labelTables(root: ParentNode): void {
  for (const table of root.querySelectorAll('table')) labelTable(table);
}

/** Keeps the cells of every table under `root` labelled with their column's heading. */
export function useCardLabels(root: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    labelTables(el);
    const observer = new MutationObserver(() => labelTables(el));
    observer.observe(el, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [root]);
}
