/**
 * A list page's table: the empty state when there is nothing, else a table with one row per item.
 * A column heading given as `{ hidden }` is for screen readers only (e.g. an action column).
 */
import type { ReactNode } from 'react';
import { Empty } from './load-state';

export interface ListTableProps<T> {
  items: readonly T[];
  empty: ReactNode;
  columns: (string | { hidden: string })[];
  rowKey: (item: T) => string;
  /** The cells (`<td>`s) of one item's row. */
  row: (item: T) => ReactNode;
}

export function ListTable<T>({ items, empty, columns, rowKey, row }: ListTableProps<T>) {
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={typeof c === 'string' ? c : c.hidden}>
                {typeof c === 'string' ? c : <span className="visually-hidden">{c.hidden}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={rowKey(item)}>{row(item)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
