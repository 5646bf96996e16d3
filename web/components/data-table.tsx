import type { ReactNode } from "react";

/** A data table that scrolls sideways on narrow screens, with one header cell per column; the rows are the caller's. */
export function DataTable({ columns, testId, children }: { columns: readonly ReactNode[]; testId?: string; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th key={index} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
