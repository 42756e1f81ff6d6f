/**
 * Changes → SQL steps, each with the phase it runs in and what it does to the table:
 * - `transaction`: one transaction, all or nothing (with lock_timeout and statement_timeout);
 * - `concurrent`: CREATE INDEX CONCURRENTLY, which PostgreSQL refuses inside a transaction;
 * - `validate`: a second transaction that validates what the first added NOT VALID, so the
 *   long scan holds only a SHARE UPDATE EXCLUSIVE lock (writes go on meanwhile).
 * `order` sorts steps inside a phase: renames, drops, creates, column changes, constraints, triggers.
 */
import { quoteIdent } from "../schema/names";
import {
  addConstraint,
  columnDefinition,
  createGuardFunction,
  createGuardTrigger,
  createIndex,
  createStatusTrigger,
  createTable,
} from "../schema/ddl";
import { objectName } from "../schema/names";
import type { Change, ChangeKind, ChangeOf } from "./changes";
import { castExpression, typeChangeKind } from "./type-changes";
import { isVolatileDefault } from "../schema/types";

export type Phase = "transaction" | "concurrent" | "validate";
/** none: no lock others notice; brief: an exclusive lock held for a catalog change; long: held while rows are scanned or rewritten. */
export type LockImpact = "none" | "brief" | "long";

export interface StepDraft {
  readonly phase: Phase;
  readonly order: number;
  readonly summary: string;
  readonly sql: readonly string[];
  readonly lock: LockImpact;
  readonly rewrite: boolean;
}

const t = quoteIdent;
type Handler<K extends ChangeKind> = (change: ChangeOf<K>) => StepDraft[];
const step = (phase: Phase, order: number, summary: string, sql: string[], lock: LockImpact = "brief", rewrite = false): StepDraft => ({
  phase,
  order,
  summary,
  sql,
  lock,
  rewrite,
});

const HANDLERS: { [K in ChangeKind]: Handler<K> } = {
  renameTable: (c) => [
    step("transaction", 0, `rename table ${c.from} to ${c.table}`, [`ALTER TABLE ${t(c.from)} RENAME TO ${t(c.table)};`]),
  ],
  renameColumn: (c) => [
    step("transaction", 1, `rename column ${c.table}.${c.from} to ${c.to}`, [
      `ALTER TABLE ${t(c.table)} RENAME COLUMN ${t(c.from)} TO ${t(c.to)};`,
    ]),
  ],
  renameConstraint: (c) => [
    step("transaction", 2, `rename constraint ${c.from} to ${c.to}`, [
      `ALTER TABLE ${t(c.table)} RENAME CONSTRAINT ${t(c.from)} TO ${t(c.to)};`,
    ]),
  ],
  renameIndex: (c) => [step("transaction", 2, `rename index ${c.from} to ${c.to}`, [`ALTER INDEX ${t(c.from)} RENAME TO ${t(c.to)};`])],
  dropConstraint: (c) => [
    step("transaction", 3, `drop ${c.constraint.rule} (${c.constraint.name})`, [
      `ALTER TABLE ${t(c.table)} DROP CONSTRAINT IF EXISTS ${t(c.constraint.name)};`,
    ]),
  ],
  // A plain DROP INDEX holds an ACCESS EXCLUSIVE lock on the table until phase 1 commits (Squawk's
  // require-concurrent-index-deletion): dropped CONCURRENTLY in phase 2 instead, before the builds,
  // so an index whose definition changed is dropped before it is built again under its name.
  dropIndex: (c) => [
    step(
      "concurrent",
      -1,
      `drop index ${c.index.name} without blocking writes`,
      [`DROP INDEX CONCURRENTLY IF EXISTS ${t(c.index.name)};`],
      "none",
    ),
  ],
  dropTable: (c) => [
    // Its references first, so dropped tables that refer to each other drop in any order.
    ...c.dropped.constraints
      .filter((k) => k.kind === "foreignKey")
      .map((k) =>
        step("transaction", 3, `drop ${k.rule} of ${c.entity} (${k.name})`, [
          `ALTER TABLE ${t(c.table)} DROP CONSTRAINT IF EXISTS ${t(k.name)};`,
        ]),
      ),
    step("transaction", 5, `drop table ${c.table}`, [
      `DROP TABLE ${t(c.table)};`,
      `DROP FUNCTION IF EXISTS ${t(c.dropped.guard.functionName)}();`,
    ]),
  ],
  dropColumn: (c) => [
    step("transaction", 6, `drop column ${c.table}.${c.column.name}`, [`ALTER TABLE ${t(c.table)} DROP COLUMN ${t(c.column.name)};`]),
  ],
  createTable: (c) => [
    step(
      "transaction",
      7,
      `create table ${c.table}`,
      [createTable(c.created), ...c.created.indexes.map((i) => createIndex(c.table, i))],
      "none",
    ),
    ...c.created.constraints
      .filter((k) => k.kind === "foreignKey")
      .map((k) => step("transaction", 13, `add ${k.rule} to new table ${c.table}`, [addConstraint(c.table, k)], "brief")),
    step(
      "transaction",
      14,
      `create the guard trigger of ${c.table}`,
      [
        createGuardFunction(c.created.guard),
        createGuardTrigger(c.table, c.created.guard),
        ...createStatusTrigger(c.table, c.created.guard),
      ],
      "none",
    ),
  ],
  addColumn: (c) => [
    step(
      "transaction",
      8,
      `add column ${c.table}.${c.column.name}`,
      [`ALTER TABLE ${t(c.table)} ADD COLUMN ${columnDefinition(c.column)};`],
      isVolatileDefault(c.column.default) ? "long" : "brief",
      isVolatileDefault(c.column.default),
    ),
  ],
  alterColumnType: (c) => {
    const rewrite = typeChangeKind(c.from, c.column.type) !== "widening";
    const sql = [
      `ALTER TABLE ${t(c.table)} ALTER COLUMN ${t(c.column.name)} DROP DEFAULT;`,
      `ALTER TABLE ${t(c.table)} ALTER COLUMN ${t(c.column.name)} TYPE ${c.column.type} USING ${castExpression(t(c.column.name), c.from, c.column.type)};`,
      ...(c.column.default !== undefined
        ? [`ALTER TABLE ${t(c.table)} ALTER COLUMN ${t(c.column.name)} SET DEFAULT ${c.column.default};`]
        : []),
    ];
    return [
      step(
        "transaction",
        9,
        `change the type of ${c.table}.${c.column.name} from ${c.from} to ${c.column.type}`,
        sql,
        rewrite ? "long" : "brief",
        rewrite,
      ),
    ];
  },
  dropNotNull: (c) => [
    step("transaction", 10, `make ${c.table}.${c.column.name} optional`, [
      `ALTER TABLE ${t(c.table)} ALTER COLUMN ${t(c.column.name)} DROP NOT NULL;`,
    ]),
  ],
  setDefault: (c) => [
    step(
      "transaction",
      11,
      `${c.column.default === undefined ? "drop the default of" : "set the default of"} ${c.table}.${c.column.name}`,
      [
        c.column.default === undefined
          ? `ALTER TABLE ${t(c.table)} ALTER COLUMN ${t(c.column.name)} DROP DEFAULT;`
          : `ALTER TABLE ${t(c.table)} ALTER COLUMN ${t(c.column.name)} SET DEFAULT ${c.column.default};`,
      ],
    ),
  ],
  setNotNull: (c) => {
    // SET NOT NULL scans under an exclusive lock unless a validated CHECK already proves it.
    const check = objectName(c.table, [c.column.name], "not_null");
    const col = t(c.column.name);
    const backfill = c.column.default !== undefined ? [`UPDATE ${t(c.table)} SET ${col} = ${c.column.default} WHERE ${col} IS NULL;`] : [];
    return [
      step(
        "transaction",
        12,
        `make ${c.table}.${c.column.name} required${backfill.length ? ", filling empty values with the default" : ""}`,
        [...backfill, `ALTER TABLE ${t(c.table)} ADD CONSTRAINT ${t(check)} CHECK (${col} IS NOT NULL) NOT VALID;`],
        backfill.length ? "long" : "brief",
      ),
      step(
        "validate",
        12,
        `validate that ${c.table}.${c.column.name} has no empty value, then mark it NOT NULL`,
        [
          `ALTER TABLE ${t(c.table)} VALIDATE CONSTRAINT ${t(check)};`,
          `ALTER TABLE ${t(c.table)} ALTER COLUMN ${col} SET NOT NULL;`,
          `ALTER TABLE ${t(c.table)} DROP CONSTRAINT ${t(check)};`,
        ],
        "brief",
      ),
    ];
  },
  addConstraint: (c) => {
    const k = c.constraint;
    if (k.kind === "unique") {
      return [
        step(
          "concurrent",
          0,
          `build the unique index for ${k.rule} without blocking writes`,
          [`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${t(k.name)} ON ${t(c.table)} (${k.columns.map(t).join(", ")});`],
          "none",
        ),
        step("validate", 13, `attach ${k.rule} to its index`, [
          `ALTER TABLE ${t(c.table)} ADD CONSTRAINT ${t(k.name)} UNIQUE USING INDEX ${t(k.name)};`,
        ]),
      ];
    }
    if (k.kind === "exclusion" || k.kind === "primaryKey") {
      return [step("transaction", 13, `add ${k.rule}`, [addConstraint(c.table, k)], "long")];
    }
    return [
      step("transaction", 13, `add ${k.rule} (checked for new writes at once)`, [addConstraint(c.table, k, true)]),
      step(
        "validate",
        13,
        `validate ${k.rule} against existing rows`,
        [`ALTER TABLE ${t(c.table)} VALIDATE CONSTRAINT ${t(k.name)};`],
        "none",
      ),
    ];
  },
  addIndex: (c) => [
    step(
      "concurrent",
      1,
      `build index ${c.index.name} without blocking writes`,
      [createIndex(c.table, c.index, true).replace("CONCURRENTLY ", "CONCURRENTLY IF NOT EXISTS ")],
      "none",
    ),
  ],
  replaceGuard: (c) => {
    const renamed = c.previous !== undefined && c.previous.functionName !== c.guard.functionName;
    // The status trigger goes with the drops and is created anew with the guard: it names the
    // status column (which a dropped status machine drops at order 6, refused while a trigger
    // depends on it) and the old function (dropped below when renamed). IF EXISTS: a database
    // deployed before the status trigger existed has none to drop.
    const oldStatusTrigger = c.previous?.statusTrigger ?? c.guard.statusTrigger;
    const dropStatus = oldStatusTrigger ? [`DROP TRIGGER IF EXISTS ${t(oldStatusTrigger.name)} ON ${t(c.table)};`] : [];
    // A renamed guard goes with the drops, before a new table could take over its old name.
    const dropOld = renamed
      ? [
          `DROP TRIGGER IF EXISTS ${t(c.previous!.triggerName)} ON ${t(c.table)};`,
          `DROP FUNCTION IF EXISTS ${t(c.previous!.functionName)}();`,
        ]
      : [];
    const drop =
      dropStatus.length || dropOld.length
        ? [
            step("transaction", 4, `remove the old guard trigger${dropOld.length ? "" : " on the status"} of ${c.table}`, [
              ...dropStatus,
              ...dropOld,
            ]),
          ]
        : [];
    const create = [
      createGuardFunction(c.guard),
      ...(renamed ? [createGuardTrigger(c.table, c.guard)] : []),
      ...createStatusTrigger(c.table, c.guard),
    ];
    return [...drop, step("transaction", 14, `${renamed ? "create" : "replace"} the guard trigger of ${c.table}`, create)];
  },
  removeEnumValues: () => [],
  removeStates: () => [],
};

export function stepsFor(change: Change): StepDraft[] {
  return (HANDLERS[change.kind] as Handler<ChangeKind>)(change as never);
}
