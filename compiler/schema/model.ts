/**
 * The compiled relational model: what the database must look like for a set of entities.
 * Plain frozen data (no database access); DDL emission, CRUD builders and the migration planner
 * all read it. Definitions are SQL text with every identifier quoted, so a rename can be applied
 * to them token by token.
 */
import type { FieldSpec } from "../../language/field";

export interface Column {
  readonly name: string;
  /** The name rows carry (`startDate`, `customerId`, `createdAt`). */
  readonly rowName: string;
  /** The SQL type as PostgreSQL's format_type prints it, so catalogs compare by text. */
  readonly type: string;
  readonly nullable: boolean;
  /** SQL expression, or undefined for no default. */
  readonly default?: string;
  readonly origin: ColumnOrigin;
}

export type ColumnOrigin =
  | { readonly kind: "system" }
  | { readonly kind: "field"; readonly field: string; readonly spec: FieldSpec }
  | { readonly kind: "relationship"; readonly relationship: string; readonly target: string }
  | { readonly kind: "status"; readonly field: string };

export type ConstraintKind = "primaryKey" | "check" | "unique" | "foreignKey" | "exclusion";

export interface Constraint {
  readonly name: string;
  readonly kind: ConstraintKind;
  /** The text after `CONSTRAINT <name>`: `CHECK (...)`, `UNIQUE (...)`, `FOREIGN KEY ...`. */
  readonly definition: string;
  readonly columns: readonly string[];
  /** Which spec rule it enforces, for error mapping: `field guests: min`, `invariant endAfterStart`. */
  readonly rule: string;
}

export interface Index {
  readonly name: string;
  readonly columns: readonly string[];
  /** `USING btree ("a", "b")` — the part after `ON <table>`. */
  readonly method: string;
}

/** The BEFORE INSERT OR UPDATE trigger that keeps status machine, immutables and system columns. */
export interface Guard {
  readonly functionName: string;
  readonly triggerName: string;
  readonly body: string;
  /**
   * With a status machine: a second trigger on the same function, `BEFORE UPDATE OF <column>`, so
   * an UPDATE that names the status is judged as a transition even when the value stays the same.
   */
  readonly statusTrigger?: { readonly name: string; readonly column: string };
}

export interface StatusMachine {
  readonly column: string;
  readonly initial: string;
  readonly states: readonly string[];
  readonly transitions: readonly (readonly [string, string])[];
}

/** An invariant that the database cannot check: the executor checks it before commit. */
export interface ExecutorInvariant {
  readonly name: string;
  readonly rule: string;
  readonly message: string;
  readonly reason: string;
}

export interface SqlInvariant {
  readonly name: string;
  readonly rule: string;
  readonly message: string;
  readonly constraint: string;
}

export interface Table {
  readonly name: string;
  readonly entity: string;
  readonly columns: readonly Column[];
  readonly constraints: readonly Constraint[];
  readonly indexes: readonly Index[];
  readonly guard: Guard;
  readonly status?: StatusMachine;
  readonly immutableColumns: readonly string[];
  readonly sqlInvariants: readonly SqlInvariant[];
  readonly executorInvariants: readonly ExecutorInvariant[];
}

export interface SchemaProblem {
  readonly entity: string;
  /** Path inside the entity document, for locating the problem in its file. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface RelationalModel {
  readonly tables: readonly Table[];
  readonly extensions: readonly string[];
}

export interface CompileResult {
  readonly model: RelationalModel;
  readonly problems: readonly SchemaProblem[];
}

export function tableByEntity(model: RelationalModel, entity: string): Table | undefined {
  return model.tables.find((t) => t.entity === entity);
}
