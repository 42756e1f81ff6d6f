/**
 * Can the rows already in a table violate a constraint the migration adds to it? The planner
 * adds every CHECK and FOREIGN KEY on an existing table NOT VALID and then VALIDATEs it, so the
 * SQL is safe either way; what this decides is the risk: a constraint old rows may violate makes
 * the migration fail at VALIDATE (Red, S011), one they cannot violate only costs a scan (Yellow,
 * S009). Pure: it compares the deployed table (with the new names, see renames.ts) and the new one.
 *
 * "Cannot violate" is claimed only when it follows from what was enforced before or from what the
 * new column holds: a widened bound (the old rows passed the narrower one), the same definition
 * under another name, values or states only added, a field or relationship added in this plan
 * (its rows hold NULL, which a field CHECK and a reference let through, or the field's default,
 * checked here against the option). Everything else may be violated: a tightened bound, a new or
 * changed pattern/format, any check on a field that already had unchecked values, an invariant
 * (any CEL rule, not evaluated here), a reference to another table.
 */
import type { FieldSpec } from "../../language/field";
import { FORMAT_PATTERNS } from "../schema/formats";
import type { Column, Constraint, Table } from "../schema/model";
import { typeChangeKind } from "./type-changes";

export type ExistingRows =
  /** Rows already in the table cannot violate it: validating only costs a scan. */
  | { readonly verdict: "satisfy"; readonly why: string }
  /** A row already in the table may violate it: VALIDATE would fail and stop the migration. */
  | { readonly verdict: "mayViolate"; readonly why: string }
  /** Enum values or status states were removed: S004/S005 judge that on their own change. */
  | { readonly verdict: "valuesRemoved"; readonly why: string };

const satisfy = (why: string): ExistingRows => ({ verdict: "satisfy", why });
const mayViolate = (why: string): ExistingRows => ({ verdict: "mayViolate", why });

/** `Constraint.rule` of a field option's CHECK (compile.ts): `field guests: max`. */
const FIELD_OPTION = /^field (.+): (min|max|minLength|maxLength|pattern|format|values)$/;
const STATUS_STATES = /^status (.+): states$/;

type FieldOption = "min" | "max" | "minLength" | "maxLength" | "pattern" | "format" | "values";

export function existingRows(constraint: Constraint, before: Table, after: Table): ExistingRows {
  const same = before.constraints.find((c) => c.kind === constraint.kind && c.definition === constraint.definition);
  if (same) return satisfy(`the same rule was already enforced as ${same.name}`);
  const previous = before.constraints.find((c) => c.kind === constraint.kind && c.name === constraint.name);
  const column = (table: Table, name: string | undefined) => table.columns.find((c) => c.name === name);
  if (constraint.kind === "foreignKey") {
    const name = constraint.columns[0];
    if (!column(before, name)) return satisfy(`its column ${name} is added in this plan, so existing rows hold no reference yet`);
    if (previous && target(previous) === target(constraint)) return satisfy("the same reference, with another onDelete");
    return mayViolate(
      previous ? "the reference now points to another table" : `existing values of ${name} were never checked against the referenced table`,
    );
  }
  if (constraint.kind !== "check") return mayViolate(`a ${constraint.kind} constraint`);
  const field = FIELD_OPTION.exec(constraint.rule);
  if (field)
    return fieldOption(
      field[2] as FieldOption,
      column(before, constraint.columns[0]),
      column(after, constraint.columns[0]),
      previous !== undefined,
    );
  if (STATUS_STATES.test(constraint.rule)) {
    const was = column(before, constraint.columns[0]);
    if (!was) return satisfy(`the status is added in this plan, so existing rows take the initial state "${after.status?.initial ?? ""}"`);
    if (!before.status || before.status.column !== was.name || !previous)
      return mayViolate(`${was.rowName} already holds values that were never checked against the states`);
    const removed = before.status.states.filter((s) => !after.status?.states.includes(s));
    return removed.length ? { verdict: "valuesRemoved", why: `states ${removed.join(", ")} removed` } : satisfy("states were only added");
  }
  if (constraint.rule.startsWith("invariant "))
    return mayViolate("an invariant holds over every row already in the table, and is not evaluated before the migration runs");
  return mayViolate("a check over rows already in the table");
}

/** The REFERENCES part of a foreign key: what it checks (ON DELETE only says what a delete does). */
function target(fk: Constraint): string {
  return fk.definition.replace(/ ON DELETE .*$/, "");
}

function fieldOption(option: FieldOption, was: Column | undefined, now: Column | undefined, hadCheck: boolean): ExistingRows {
  const spec = now?.origin.kind === "field" ? now.origin.spec : undefined;
  if (!now || !spec) return mayViolate(`a ${option} check`);
  if (!was) {
    if (spec.default === undefined)
      return satisfy(`${now.rowName} is added in this plan without a default, so existing rows hold NULL, which the check lets through`);
    const verdict = defaultSatisfies(spec, option);
    const value = JSON.stringify(spec.default);
    if (verdict === true)
      return satisfy(`${now.rowName} is added in this plan and existing rows take its default ${value}, which satisfies it`);
    return mayViolate(
      `existing rows take the default ${value} of the new ${now.rowName}, which ${verdict === false ? "violates it" : "cannot be checked before the migration runs"}`,
    );
  }
  const old = was.origin.kind === "field" ? was.origin.spec : undefined;
  if (!old || !hadCheck) return mayViolate(`a new ${option} on ${now.rowName}, whose existing values were never checked against it`);
  // A narrowing type change rounds or converts the values first (S003): the old check proves nothing about them.
  if (typeChangeKind(was.type, now.type) === "narrowing")
    return mayViolate(`the values of ${now.rowName} are converted from ${was.type} to ${now.type} before the check`);
  const before = (old as Record<string, unknown>)[option];
  const after = (spec as Record<string, unknown>)[option];
  switch (option) {
    case "min":
    case "minLength":
    case "max":
    case "maxLength": {
      if (typeof before !== typeof after || (typeof after !== "number" && typeof after !== "string"))
        return mayViolate(`${option} of ${now.rowName} now bounds another type`);
      // Same type: numbers, or ISO dates, which order as text.
      const [from, to] = [before, after] as [number | string, number | string];
      const widened = option === "min" || option === "minLength" ? to <= from : to >= from;
      const moved = to === from ? "unchanged" : `${to < from ? "lowered" : "raised"} from ${JSON.stringify(from)} to ${JSON.stringify(to)}`;
      return widened ? satisfy(`${option} of ${now.rowName} ${moved}`) : mayViolate(`${option} of ${now.rowName} ${moved}`);
    }
    case "values": {
      const removed = (before as string[]).filter((v) => !(after as string[]).includes(v));
      return removed.length
        ? { verdict: "valuesRemoved", why: `values ${removed.join(", ")} removed` }
        : satisfy(`values of ${now.rowName} were only added`);
    }
    default:
      return mayViolate(`${option} of ${now.rowName} changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}`);
  }
}

/** A decimal literal a double holds exactly as written (trailing zeros aside), so comparing the double is comparing the numeric. */
function exactNumber(text: string): boolean {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return false;
  const trimmed = text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  return String(Number(text)) === trimmed;
}

/**
 * Does the field's default pass the CHECK of `option`? undefined when that cannot be known at
 * design time (`today`) or exactly (a decimal literal a double would round).
 */
export function defaultSatisfies(spec: FieldSpec, option: FieldOption): boolean | undefined {
  const value = spec.default;
  switch (option) {
    case "min":
    case "max": {
      const bound = (spec as { min?: number | string; max?: number | string })[option];
      if (bound === undefined) return undefined;
      let v: number | string | undefined;
      if (spec.type === "date") v = typeof value === "string" && value !== "today" ? value : undefined;
      else if (typeof value === "number") v = value;
      else if (typeof value === "string" && exactNumber(value)) v = Number(value);
      if (v === undefined || typeof v !== typeof bound) return undefined;
      return option === "min" ? v >= bound : v <= bound;
    }
    case "minLength":
    case "maxLength": {
      if (spec.type !== "string" || typeof value !== "string") return undefined;
      // char_length counts code points, as the spread does.
      const length = [...value].length;
      return option === "minLength" ? length >= (spec.minLength ?? 0) : length <= (spec.maxLength ?? Infinity);
    }
    case "pattern":
      return spec.type === "string" && typeof value === "string" && spec.pattern !== undefined
        ? new RegExp(`^(?:${spec.pattern})$`, "u").test(value)
        : undefined;
    case "format":
      return spec.type === "string" && typeof value === "string" && spec.format !== undefined
        ? new RegExp(FORMAT_PATTERNS[spec.format], "u").test(value)
        : undefined;
    case "values":
      return spec.type === "enum" && typeof value === "string" ? spec.values.includes(value) : undefined;
  }
}
