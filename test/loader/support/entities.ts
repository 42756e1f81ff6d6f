/**
 * Valid Entity documents: typed fields with coherent options, relationships between the generated
 * entities (and their hasMany inverses), status machines, constraints and invariants over the row.
 */
import type { EntitySpec, RelationshipSpec, StatusSpec } from "../../../language/entity";
import type { FieldSpec, InputFieldSpec } from "../../../language/field";
import type { Choices } from "./choices";
import { canName, Expressions, fieldTerm, type Term } from "./expressions";
import type { NameSource } from "./names";

const FIELD_TYPES: readonly FieldSpec["type"][] = [
  "string",
  "integer",
  "bigint",
  "decimal",
  "number",
  "boolean",
  "date",
  "datetime",
  "uuid",
  "enum",
  "json",
];
const RANGE_TYPES = new Set<FieldSpec["type"]>(["date", "datetime", "integer", "bigint", "decimal", "number"]);
const SYSTEM_COLUMNS = ["id", "createdAt", "updatedAt", "version"];
const PATTERNS = ["^[a-z]+$", "^\\+[0-9]{6,15}$", "[A-Z]", "^(a|b)*$", "\\d{3}-\\d{4}", "^[^@]+@[^@]+$"];
const ENUM_VALUES = ["small", "large", "a b", "é", "true", "1", "null", "x: y", "-", "Yes"];

/** A field definition; `column` adds the options only entity columns have. */
export function genField(c: Choices, names: NameSource, column: boolean, type: FieldSpec["type"] = c.pick(FIELD_TYPES)): FieldSpec {
  const common: Record<string, unknown> = {};
  if (c.chance(30)) common.optional = c.chance(80);
  if (c.chance(15)) common.pii = c.chance(80);
  if (c.chance(15)) common.description = c.text();
  if (column) {
    if (c.chance(10) && type !== "json") common.unique = true;
    if (c.chance(15)) common.immutable = c.chance(80);
    if (c.chance(10)) common.renamedFrom = names.camel(new Set());
  }
  const [lo, hi] = [c.int(-1000, 1000), c.int(-1000, 1000)].sort((a, b) => a - b) as [number, number];
  const bounded = c.chance(40);
  const withDefault = c.chance(25);
  switch (type) {
    case "string": {
      const minLength = c.chance(30) ? c.int(0, 5) : undefined;
      const maxLength = c.chance(40) ? c.int(Math.max(1, minLength ?? 1), 300) : undefined;
      const pattern = c.chance(20) ? c.pick(PATTERNS) : undefined;
      const format = c.chance(15) ? c.pick(["email", "url"] as const) : undefined;
      const fits = pattern === undefined && format === undefined;
      return {
        type,
        ...common,
        ...opt({
          minLength,
          maxLength,
          pattern,
          format,
          default: withDefault && fits ? "v".repeat(Math.max(minLength ?? 0, Math.min(maxLength ?? 3, 3))) : undefined,
        }),
      } as FieldSpec;
    }
    case "integer":
    case "bigint":
      return {
        type,
        ...common,
        ...(bounded ? { min: lo, max: hi } : {}),
        ...opt({ default: withDefault ? (bounded ? lo : c.int(-5, 5)) : undefined }),
      } as FieldSpec;
    case "decimal": {
      const precision = c.chance(60) ? c.int(6, 38) : undefined;
      const scale = precision !== undefined && c.chance(70) ? c.int(2, Math.min(10, precision - 4)) : undefined;
      const value = (n: number) => n / 4;
      return {
        type,
        ...common,
        ...(bounded ? { min: value(lo), max: value(hi) } : {}),
        ...opt({ precision, scale, default: withDefault ? (c.chance(50) ? value(bounded ? hi : 0) : "12.50") : undefined }),
      } as FieldSpec;
    }
    case "number": {
      const [a, b] = [c.anyDouble(), c.anyDouble()].sort((x, y) => x - y) as [number, number];
      return {
        type,
        ...common,
        ...(bounded ? { min: a, max: b } : {}),
        ...opt({ default: withDefault ? (bounded ? b : c.anyDouble()) : undefined }),
      } as FieldSpec;
    }
    case "boolean":
      return { type, ...common, ...opt({ default: withDefault ? c.chance(50) : undefined }) } as FieldSpec;
    case "date": {
      const [a, b] = [isoDate(c), isoDate(c)].sort();
      return {
        type,
        ...common,
        ...(bounded ? { min: a, max: b } : {}),
        ...opt({ default: withDefault ? (bounded ? a : c.pick(["today", "2024-02-29"])) : undefined }),
      } as FieldSpec;
    }
    case "datetime":
      return {
        type,
        ...common,
        ...opt({ default: withDefault ? c.pick(["now", "2024-02-29T12:00:00Z", "2024-02-29T12:00:00.123+02:00"]) : undefined }),
      } as FieldSpec;
    case "uuid":
      return { type, ...common, ...opt({ default: withDefault ? (c.chance(50) ? "random" : c.uuid()) : undefined }) } as FieldSpec;
    case "enum": {
      const values = c.some(ENUM_VALUES, 4, 40);
      if (values.length === 0) values.push(c.text(1));
      return { type, ...common, values, ...opt({ default: withDefault ? c.pick(values) : undefined }) } as FieldSpec;
    }
    case "json":
      return { type, ...common, ...opt({ default: withDefault ? c.jsonValue() : undefined }) } as FieldSpec;
  }
}

/** A tool input field: the same language without the column-only options. */
export function genInputField(c: Choices, names: NameSource, type?: FieldSpec["type"]): InputFieldSpec {
  return genField(c, names, false, type) as InputFieldSpec;
}

function isoDate(c: Choices): string {
  return `${c.int(1990, 2090)}-${String(c.int(1, 12)).padStart(2, "0")}-${String(c.int(1, 28)).padStart(2, "0")}`;
}

/** Drops undefined members so a generated object has exactly the keys a YAML author would write. */
export function opt<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface Draft {
  spec: EntitySpec;
  /** Every name a column, relationship or system field uses: each must be unique in the entity. */
  taken: Set<string>;
}

/** 1–4 entities that refer to each other. */
export function genEntities(c: Choices, names: NameSource): EntitySpec[] {
  const entityNames = new Set<string>();
  const drafts: Draft[] = Array.from({ length: c.int(1, 4) }, () => genEntityShape(c, names, names.pascal(entityNames)));
  for (const draft of drafts) addBelongsTo(c, names, draft, drafts);
  for (const draft of drafts) addHasMany(c, names, draft, drafts);
  for (const draft of drafts) addConstraints(c, names, draft);
  return drafts.map((d) => d.spec);
}

function genEntityShape(c: Choices, names: NameSource, name: string): Draft {
  const taken = new Set(SYSTEM_COLUMNS);
  const fields: Record<string, FieldSpec> = {};
  const count = c.int(1, 6);
  for (let i = 0; i < count; i++) fields[c.chance(70) ? names.referable(taken) : names.camel(taken)] = genField(c, names, true);
  const spec: EntitySpec = {
    kind: "Entity",
    name,
    fields,
    ...opt({ description: c.chance(30) ? c.text() : undefined, renamedFrom: c.chance(10) ? `${name}Old` : undefined }),
  };
  if (c.chance(50)) spec.status = genStatus(c, names, taken);
  if (c.chance(10)) spec.allowDataLoss = { reason: c.text(1) };
  return { spec, taken };
}

function genStatus(c: Choices, names: NameSource, taken: Set<string>): StatusSpec {
  // The default field name `status` is only free when no field took it.
  const field = c.chance(50) && !taken.has("status") ? undefined : names.referable(taken);
  taken.add(field ?? "status");
  const stateNames = new Set<string>();
  const states = Array.from({ length: c.int(1, 4) }, () => names.state(stateNames));
  const pairs = states.flatMap((from) => states.filter((to) => to !== from).map((to) => [from, to] as const));
  const chosen = c.some(pairs, 5, 40);
  const transitions: StatusSpec["transitions"] = [];
  // Group some transitions with the same target into one `from: [a, b]` entry.
  for (const to of new Set(chosen.map(([, t]) => t))) {
    const froms = chosen.filter(([, t]) => t === to).map(([f]) => f);
    if (froms.length > 1 && c.chance(50)) transitions.push({ from: froms, to });
    else for (const from of froms) transitions.push({ from, to });
  }
  return { ...opt({ field }), initial: c.pick(states), states, ...(transitions.length || c.chance(20) ? { transitions } : {}) };
}

function addBelongsTo(c: Choices, names: NameSource, draft: Draft, all: readonly Draft[]): void {
  const count = c.int(0, 2);
  for (let i = 0; i < count; i++) {
    const name = names.referable(draft.taken);
    if (draft.taken.has(`${name}Id`)) continue;
    draft.taken.add(`${name}Id`);
    const optional = c.chance(30);
    const rel: RelationshipSpec = {
      kind: "belongsTo",
      entity: c.pick(all).spec.name,
      ...opt({
        onDelete: c.chance(50)
          ? c.pick(optional ? (["restrict", "cascade", "setNull"] as const) : (["restrict", "cascade"] as const))
          : undefined,
        optional: optional ? true : c.chance(10) ? false : undefined,
        immutable: c.chance(20) ? true : undefined,
        description: c.chance(10) ? c.text() : undefined,
      }),
    };
    draft.spec.relationships = { ...draft.spec.relationships, [name]: rel };
  }
}

/** The inverse of some belongsTo, always naming it with `via` when the target has several. */
function addHasMany(c: Choices, names: NameSource, draft: Draft, all: readonly Draft[]): void {
  for (const other of all) {
    const back = Object.entries(other.spec.relationships ?? {}).filter(([, r]) => r.kind === "belongsTo" && r.entity === draft.spec.name);
    if (back.length === 0 || !c.chance(40)) continue;
    const [via] = c.pick(back);
    const name = names.referable(draft.taken);
    const rel: RelationshipSpec = { kind: "hasMany", entity: other.spec.name, ...(back.length > 1 || c.chance(50) ? { via } : {}) };
    draft.spec.relationships = { ...draft.spec.relationships, [name]: rel };
  }
}

function addConstraints(c: Choices, names: NameSource, draft: Draft): void {
  const { spec } = draft;
  const fields = Object.entries(spec.fields);
  const belongsTo = Object.entries(spec.relationships ?? {})
    .filter(([, r]) => r.kind === "belongsTo")
    .map(([n]) => n);
  const statusField = spec.status ? [spec.status.field ?? "status"] : [];
  const indexable = [...fields.filter(([, f]) => f.type !== "json").map(([n]) => n), ...belongsTo, ...statusField];
  const columnLists = () => {
    const lists: string[][] = [];
    for (let i = c.int(0, 2); i > 0 && indexable.length; i--) {
      const list = c.some(indexable, 3);
      if (list.length && !lists.some((l) => l.join() === list.join())) lists.push(list);
    }
    return lists;
  };
  const unique = columnLists();
  if (unique.length) spec.unique = unique;
  const indexes = columnLists();
  if (indexes.length) spec.indexes = indexes;

  const constraintNames = new Set<string>();
  const row = new Expressions(c, rowTerms(spec), { now: false, caller: false });
  const invariants = Array.from({ length: c.int(0, 2) }, () => ({
    name: names.camel(constraintNames),
    rule: row.of("bool"),
    message: c.text(1),
  }));
  if (invariants.length) spec.invariants = invariants;

  const rangeFields = fields.filter(([, f]) => RANGE_TYPES.has(f.type) && !f.optional);
  const pairs = rangeFields.flatMap(([a, fa]) =>
    rangeFields.filter(([b, fb]) => b !== a && fb.type === fa.type).map(([b]) => [a, b] as [string, string]),
  );
  if (pairs.length && c.chance(50)) {
    spec.noOverlap = [
      {
        name: names.camel(constraintNames),
        range: c.pick(pairs),
        ...opt({
          per: c.chance(50) && belongsTo.length ? c.some(belongsTo, 2, 70) : undefined,
          where: c.chance(50) ? row.of("bool", 1) : undefined,
        }),
      },
    ];
    if (spec.noOverlap[0]!.per?.length === 0) delete spec.noOverlap[0]!.per;
  }
}

/** What an invariant sees: the row's fields by name, relationship ids, the status and system columns. */
export function rowTerms(spec: EntitySpec, prefix = ""): Term[] {
  const terms: Term[] = [
    { text: `${prefix}id`, cel: "string", meaning: "uuid", nullable: false },
    { text: `${prefix}createdAt`, cel: "timestamp", meaning: "timestamp", nullable: false },
    { text: `${prefix}updatedAt`, cel: "timestamp", meaning: "timestamp", nullable: false },
    { text: `${prefix}version`, cel: "int", meaning: "int", nullable: false },
  ];
  const bare = prefix === "";
  for (const [name, field] of Object.entries(spec.fields)) if (canName(name, bare)) terms.push(fieldTerm(`${prefix}${name}`, field));
  for (const [name, rel] of Object.entries(spec.relationships ?? {})) {
    if (rel.kind === "belongsTo" && canName(`${name}Id`, bare))
      terms.push({ text: `${prefix}${name}Id`, cel: "string", meaning: "uuid", nullable: rel.optional === true });
  }
  if (spec.status) {
    const field = spec.status.field ?? "status";
    if (canName(field, bare)) terms.push({ text: `${prefix}${field}`, cel: "string", meaning: "string", nullable: false });
  }
  return terms;
}
