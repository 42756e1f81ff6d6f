/** A table of the studio's style with its column heads; the rows are the caller's. */
import type { ReactNode } from "react";

export function Table(props: { head: (string | { label: string; className?: string })[]; testId?: string; className?: string; children: ReactNode }) {
  return (
    <table className={props.className ? `table ${props.className}` : "table"} data-testid={props.testId}>
      <thead>
        <tr>
          {props.head.map((column) => {
            const { label, className } = typeof column === "string" ? { label: column, className: undefined } : column;
            return (
              <th key={label} className={className}>
                {label}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
