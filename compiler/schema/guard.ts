/**
 * The per-table guard trigger: what a CHECK cannot see because it needs the old row. New rows
 * start in the initial state, a status change must be a listed transition (an UPDATE that names
 * the status counts as one, even to the state the row is in), immutable columns and
 * the system columns keep their values, and updated_at/version are maintained — for every write,
 * raw SQL included. Errors carry SQLSTATE 23514 (check_violation) and a constraint name that the
 * executor maps back to the spec rule.
 */
import { fitName, objectName, quoteLiteral } from "./names";
import type { Guard, StatusMachine } from "./model";

export interface GuardInput {
  readonly table: string;
  readonly entity: string;
  readonly status?: StatusMachine;
  /** Column name → spec name, for messages. */
  readonly immutable: readonly { column: string; name: string }[];
}

export const GUARD_TRIGGER = "fascia_guard";
/** Fires after GUARD_TRIGGER (same-event BEFORE triggers run in name order), only when the status is named. */
export const STATUS_TRIGGER = "fascia_guard_status";

export function guardConstraintName(table: string, part: string, kind: string): string {
  return objectName(table, [part], kind);
}

// Column names in the body are plain snake_case identifiers (a-z, 0-9, _), safe as NEW.<name>
// except where they are SQL keywords, hence the quotes.
const col = (name: string) => `"${name}"`;

function raise(message: string, args: readonly string[], constraint: string, column?: string): string {
  const using = [
    `ERRCODE = 'check_violation'`,
    `CONSTRAINT = ${quoteLiteral(constraint)}`,
    ...(column ? [`COLUMN = ${quoteLiteral(column)}`] : []),
  ];
  return `RAISE EXCEPTION ${quoteLiteral(message)}${args.map((a) => `, ${a}`).join("")} USING ${using.join(", ")};`;
}

export function buildGuard(input: GuardInput): Guard {
  const { table, entity, status } = input;
  const insert: string[] = [];
  const statusOnly: string[] = [];
  const update: string[] = [];
  if (status) {
    const c = col(status.column);
    insert.push(
      `IF NEW.${c} IS DISTINCT FROM ${quoteLiteral(status.initial)} THEN`,
      `  ${raise(`${entity}: a new row must start in state ${status.initial}, not %`, [`coalesce(NEW.${c}, 'null')`], guardConstraintName(table, status.column, "initial"), status.column)}`,
      "END IF;",
    );
    const pairs = status.transitions.map(([from, to]) => `(${quoteLiteral(from)}, ${quoteLiteral(to)})`);
    const allowed = pairs.length ? ` AND (OLD.${c}, NEW.${c}) NOT IN (${pairs.join(", ")})` : "";
    const refuse = `  ${raise(`${entity}: no transition from % to %`, [`OLD.${c}`, `coalesce(NEW.${c}, 'null')`], guardConstraintName(table, status.column, "transition"), status.column)}`;
    // A row trigger cannot see which columns an UPDATE names, so "status set to the value it has"
    // looks like no change here; the status trigger (BEFORE UPDATE OF the status column) fires only
    // for UPDATEs that name it, and refuses a self-transition the machine does not list (the
    // checker lets none be listed, FS013; the pairs stay in the test so the body follows the
    // model it is built from). It only judges: version and updated_at were already kept by this
    // trigger's own run.
    statusOnly.push(
      `IF TG_NAME = ${quoteLiteral(STATUS_TRIGGER)} THEN`,
      `  IF NEW.${c} IS NOT DISTINCT FROM OLD.${c}${allowed} THEN`,
      `  ${refuse}`,
      "  END IF;",
      "  RETURN NEW;",
      "END IF;",
    );
    update.push(`IF NEW.${c} IS DISTINCT FROM OLD.${c}${allowed} THEN`, refuse, "END IF;");
  }
  const fixed = [{ column: "id", name: "id" }, { column: "created_at", name: "createdAt" }, ...input.immutable];
  for (const { column, name } of fixed) {
    update.push(
      `IF NEW.${col(column)} IS DISTINCT FROM OLD.${col(column)} THEN`,
      `  ${raise(`${entity}.${name} cannot change after the row is created`, [], guardConstraintName(table, column, "immutable"), column)}`,
      "END IF;",
    );
  }
  const body = [
    "BEGIN",
    "IF TG_OP = 'INSERT' THEN",
    ...insert.map((l) => `  ${l}`),
    "  NEW.version := 1;",
    "  NEW.updated_at := NEW.created_at;",
    "  RETURN NEW;",
    "END IF;",
    ...statusOnly,
    ...update,
    "NEW.version := OLD.version + 1;",
    "NEW.updated_at := now();",
    "RETURN NEW;",
    "END;",
  ].join("\n");
  return {
    functionName: fitName(`${table}__guard`),
    triggerName: GUARD_TRIGGER,
    body: `\n${body}\n`,
    ...(status ? { statusTrigger: { name: STATUS_TRIGGER, column: status.column } } : {}),
  };
}
