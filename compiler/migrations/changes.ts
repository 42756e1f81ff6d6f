/**
 * What differs between two relational models, one record per change. The rules (rules/*) judge
 * changes; steps.ts turns them into SQL. Frozen data, produced once by diff.ts.
 */
import type { Column, Constraint, Guard, Index, Table } from "../schema/model";
import type { ExistingRows } from "./existing-rows";

interface Base {
  /** The entity the change belongs to (its new name; the old one for a dropped entity). */
  readonly entity: string;
  readonly table: string;
}

export type Change =
  | (Base & { readonly kind: "renameTable"; readonly from: string })
  | (Base & { readonly kind: "renameColumn"; readonly from: string; readonly to: string })
  | (Base & { readonly kind: "renameConstraint"; readonly from: string; readonly to: string })
  | (Base & { readonly kind: "renameIndex"; readonly from: string; readonly to: string })
  | (Base & { readonly kind: "createTable"; readonly created: Table })
  | (Base & { readonly kind: "dropTable"; readonly dropped: Table })
  | (Base & { readonly kind: "addColumn"; readonly column: Column })
  | (Base & { readonly kind: "dropColumn"; readonly column: Column })
  | (Base & { readonly kind: "alterColumnType"; readonly column: Column; readonly from: string })
  | (Base & { readonly kind: "setNotNull"; readonly column: Column })
  | (Base & { readonly kind: "dropNotNull"; readonly column: Column })
  | (Base & { readonly kind: "setDefault"; readonly column: Column })
  | (Base & {
      readonly kind: "addConstraint";
      readonly constraint: Constraint;
      readonly existingTable: boolean;
      /** The same check put back after its column's type changed: nothing new is enforced. */
      readonly rebuilt?: boolean;
      /** Whether rows already in the table may violate it (existing-rows.ts): S011 Red, or S009 Yellow. */
      readonly existingRows: ExistingRows;
    })
  | (Base & { readonly kind: "dropConstraint"; readonly constraint: Constraint })
  | (Base & { readonly kind: "addIndex"; readonly index: Index; readonly existingTable: boolean })
  | (Base & { readonly kind: "dropIndex"; readonly index: Index })
  | (Base & { readonly kind: "replaceGuard"; readonly guard: Guard; readonly previous?: Guard })
  | (Base & { readonly kind: "removeEnumValues"; readonly field: string; readonly values: readonly string[] })
  | (Base & { readonly kind: "removeStates"; readonly states: readonly string[] });

export type ChangeKind = Change["kind"];
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;
