/**
 * Random entity sets for the migration property test: a deployed version A and a version B made
 * from A by random edits (fields added, removed, retyped, renamed; relationships, states,
 * invariants, unique, noOverlap and indexes added and removed; entities added, renamed, dropped).
 * Every set is valid by construction; the test asserts it, so a generator bug cannot hide.
 */
import fc from "fast-check";

type FieldType = "string" | "integer" | "bigint" | "decimal" | "number" | "boolean" | "date" | "datetime" | "uuid" | "enum";
const TYPES: FieldType[] = ["string", "integer", "bigint", "decimal", "number", "boolean", "date", "datetime", "uuid", "enum"];
const RANGE_TYPES = new Set<FieldType>(["date", "datetime", "integer", "bigint", "decimal", "number"]);

interface GField {
  name: string;
  type: FieldType;
  optional: boolean;
  unique: boolean;
  immutable: boolean;
  withDefault: boolean;
  bound: number;
  renamedFrom?: string;
}
interface GRel {
  name: string;
  target: string;
  optional: boolean;
  onDelete: "restrict" | "cascade" | "setNull";
  renamedFrom?: string;
}
interface GEntity {
  name: string;
  renamedFrom?: string;
  fields: GField[];
  rels: GRel[];
  status?: { states: string[]; transitions: [string, string][] };
  invariants: string[];
  unique: string[][];
  indexes: string[][];
  noOverlap: { lo: string; hi: string; per?: string }[];
}

/** A deterministic stream of choices drawn from fast-check integers. */
class Choices {
  private i = 0;
  constructor(private readonly values: readonly number[]) {}
  next(n: number): number {
    const v = this.values[this.i++ % Math.max(this.values.length, 1)] ?? 0;
    return n <= 0 ? 0 : v % n;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.next(list.length)]!;
  }
  chance(percent: number): boolean {
    return this.next(100) < percent;
  }
}

let counter = 0;
const fresh = (prefix: string) => `${prefix}${++counter}`;

function newField(c: Choices, name = fresh("f")): GField {
  return {
    name,
    type: c.pick(TYPES),
    optional: c.chance(40),
    unique: c.chance(15),
    immutable: c.chance(15),
    withDefault: c.chance(40),
    bound: c.next(3),
  };
}

function newEntity(c: Choices, name: string, others: string[]): GEntity {
  const fields = Array.from({ length: 1 + c.next(4) }, () => newField(c));
  const e: GEntity = { name, fields, rels: [], invariants: [], unique: [], indexes: [], noOverlap: [] };
  if (others.length && c.chance(50)) addRel(c, e, others);
  if (c.chance(40)) e.status = { states: ["draft", "live", "done"].slice(0, 2 + c.next(2)), transitions: [["draft", "live"]] };
  if (c.chance(50)) e.invariants.push(c.pick(fields).name);
  if (c.chance(30)) addUnique(c, e);
  if (c.chance(30)) e.indexes.push([c.pick(columnsOf(e))]);
  if (c.chance(30)) addNoOverlap(c, e);
  return e;
}

const columnsOf = (e: GEntity) => [...e.fields.map((f) => f.name), ...e.rels.map((r) => r.name)];

function addRel(c: Choices, e: GEntity, targets: string[]): void {
  const optional = c.chance(50);
  e.rels.push({
    name: fresh("rel"),
    target: c.pick(targets),
    optional,
    onDelete: optional ? c.pick(["restrict", "cascade", "setNull"] as const) : c.pick(["restrict", "cascade"] as const),
  });
}

function addUnique(c: Choices, e: GEntity): void {
  const cols = columnsOf(e);
  const a = c.pick(cols);
  const b = c.pick(cols);
  e.unique.push(a === b ? [a] : [a, b]);
}

function addNoOverlap(c: Choices, e: GEntity): void {
  const type = c.pick(["date", "integer", "datetime"] as const);
  const lo = { ...newField(c), type, unique: false };
  const hi = { ...newField(c), type, unique: false };
  e.fields.push(lo, hi);
  e.noOverlap.push({ lo: lo.name, hi: hi.name, ...(e.rels.length && c.chance(60) ? { per: c.pick(e.rels).name } : {}) });
}

export function generateA(c: Choices): GEntity[] {
  const names = ["Alpha", "Beta", "Gamma"].slice(0, 1 + c.next(3));
  const entities: GEntity[] = [];
  for (const name of names)
    entities.push(
      newEntity(
        c,
        name,
        entities.map((e) => e.name),
      ),
    );
  return entities;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

type Mutation = (c: Choices, b: GEntity[]) => void;
const MUTATIONS: Mutation[] = [
  (c, b) => b.length && c.pick(b).fields.push(newField(c)),
  (c, b) => {
    const e = b.length ? c.pick(b) : undefined;
    if (e && e.fields.length > 1) e.fields.splice(c.next(e.fields.length), 1);
  },
  (c, b) => {
    const f = b.length ? c.pick(c.pick(b).fields) : undefined;
    if (f) f.type = c.pick(TYPES);
  },
  (c, b) => {
    const f = b.length ? c.pick(c.pick(b).fields) : undefined;
    if (f) f.optional = !f.optional;
  },
  (c, b) => {
    const f = b.length ? c.pick(c.pick(b).fields) : undefined;
    if (f) Object.assign(f, { withDefault: !f.withDefault, unique: c.chance(30), immutable: c.chance(30), bound: c.next(3) });
  },
  (c, b) => {
    // rename a field (renamedFrom), keeping references
    const e = b.length ? c.pick(b) : undefined;
    const f = e?.fields.length ? c.pick(e.fields) : undefined;
    if (!e || !f || f.renamedFrom) return;
    const to = fresh("r");
    renameColumn(e, f.name, to);
    f.renamedFrom = f.name;
    f.name = to;
  },
  (c, b) => {
    const e = b.length ? c.pick(b) : undefined;
    if (e && b.length > 1)
      addRel(
        c,
        e,
        b.filter((x) => x !== e).map((x) => x.name),
      );
  },
  (c, b) => {
    const e = b.length ? c.pick(b) : undefined;
    if (e?.rels.length) e.rels.splice(c.next(e.rels.length), 1);
  },
  (c, b) => {
    const e = b.length ? c.pick(b) : undefined;
    if (!e) return;
    if (e.status && c.chance(40)) delete e.status;
    else
      e.status = {
        states: c.chance(50) ? ["draft", "live", "done", "gone"] : ["draft", "live"],
        transitions: c.chance(50)
          ? [
              ["draft", "live"],
              ["live", "draft"],
            ]
          : [],
      };
  },
  (c, b) => {
    const e = b.length ? c.pick(b) : undefined;
    if (!e) return;
    if (e.invariants.length && c.chance(50)) e.invariants.pop();
    else if (e.fields.length) e.invariants.push(c.pick(e.fields).name);
  },
  (c, b) => {
    const e = b.length ? c.pick(b) : undefined;
    if (!e) return;
    if (e.unique.length && c.chance(50)) e.unique.pop();
    else addUnique(c, e);
  },
  (c, b) => {
    const e = b.length ? c.pick(b) : undefined;
    if (!e) return;
    if (e.noOverlap.length && c.chance(50)) e.noOverlap.pop();
    else addNoOverlap(c, e);
  },
  (c, b) => {
    const e = b.length ? c.pick(b) : undefined;
    if (!e) return;
    if (e.indexes.length && c.chance(50)) e.indexes.pop();
    else e.indexes.push([c.pick(columnsOf(e))]);
  },
  (c, b) => {
    // rename an entity
    const e = b.length ? c.pick(b) : undefined;
    if (!e || e.renamedFrom) return;
    const to = `Renamed${fresh("")}`;
    for (const other of b) for (const r of other.rels) if (r.target === e.name) r.target = to;
    e.renamedFrom = e.name;
    e.name = to;
  },
  (c, b) => {
    // drop an entity
    if (b.length < 2) return;
    const [gone] = b.splice(c.next(b.length), 1);
    for (const e of b) e.rels = e.rels.filter((r) => r.target !== gone!.name);
  },
  (c, b) =>
    b.push(
      newEntity(
        c,
        `New${fresh("")}`,
        b.map((e) => e.name),
      ),
    ),
];

function renameColumn(e: GEntity, from: string, to: string): void {
  const n = (x: string) => (x === from ? to : x);
  e.invariants = e.invariants.map(n);
  e.unique = e.unique.map((l) => l.map(n));
  e.indexes = e.indexes.map((l) => l.map(n));
  e.noOverlap = e.noOverlap.map((o) => ({ ...o, lo: n(o.lo), hi: n(o.hi) }));
}

export function mutate(a: GEntity[], c: Choices, steps: number): GEntity[] {
  const b = clone(a);
  for (let i = 0; i < steps; i++) c.pick(MUTATIONS)(c, b);
  return b;
}

const DEFAULTS: Record<FieldType, unknown> = {
  string: "x",
  integer: 0,
  bigint: 0,
  decimal: "0",
  number: 0,
  boolean: false,
  date: "2020-01-01",
  datetime: "now",
  uuid: "random",
  enum: "a",
};

function fieldSpec(f: GField): Record<string, unknown> {
  const spec: Record<string, unknown> = { type: f.type };
  if (f.optional) spec.optional = true;
  if (f.unique && f.type !== "boolean") spec.unique = true;
  if (f.immutable) spec.immutable = true;
  if (f.withDefault) spec.default = DEFAULTS[f.type];
  if (f.renamedFrom) spec.renamedFrom = f.renamedFrom;
  if (f.type === "string" && f.bound) spec.maxLength = 10 * f.bound;
  if ((f.type === "integer" || f.type === "bigint" || f.type === "number") && f.bound) spec.min = -f.bound;
  if (f.type === "decimal") Object.assign(spec, { precision: 8 + f.bound * 2, scale: 2 });
  if (f.type === "enum") spec.values = ["a", "b", "c"].slice(0, 1 + f.bound);
  return spec;
}

function invariantRule(f: GField): string | undefined {
  const guard = (rule: string) => (f.optional ? `${f.name} == null || ${rule}` : rule);
  switch (f.type) {
    case "integer":
    case "bigint":
      return guard(`${f.name} >= -100`);
    case "number":
      return guard(`${f.name} > -100.5`);
    case "decimal":
      // A decimal compares with decimals (and ints), never with a double literal.
      return guard(`${f.name} > decimal('-100.5')`);
    case "string":
      return guard(`size(${f.name}) < 100`);
    case "date":
      return guard(`${f.name} >= '1900-01-01'`);
    case "enum":
      return guard(`${f.name} in ['a', 'b', 'c']`);
    default:
      return undefined;
  }
}

/** The entity specs (objects of the spec language); allowDataLoss everywhere, so every plan may run. */
export function render(entities: GEntity[]): Record<string, unknown>[] {
  const names = new Set(entities.map((e) => e.name));
  return entities.map((e) => {
    const fields = new Map(e.fields.map((f) => [f.name, f]));
    const rels = e.rels.filter((r) => names.has(r.target));
    const columns = new Set([...fields.keys(), ...rels.map((r) => r.name)]);
    const lists = (ls: string[][]) => {
      const seen = new Set<string>();
      return ls
        .map((l) => [...new Set(l)].filter((x) => columns.has(x)))
        .filter((l) => l.length && !seen.has(l.join()) && seen.add(l.join()));
    };
    const invariants = [...new Set(e.invariants)].flatMap((name) => {
      const f = fields.get(name);
      const rule = f && invariantRule(f);
      return rule ? [{ name: `check${name[0]!.toUpperCase()}${name.slice(1)}`, rule, message: "m" }] : [];
    });
    const noOverlap = e.noOverlap.flatMap((o, i) => {
      const lo = fields.get(o.lo);
      const hi = fields.get(o.hi);
      if (!lo || !hi || lo.type !== hi.type || !RANGE_TYPES.has(lo.type)) return [];
      return [{ name: `apart${i}${o.lo}`, range: [o.lo, o.hi], ...(o.per && rels.some((r) => r.name === o.per) ? { per: [o.per] } : {}) }];
    });
    return {
      kind: "Entity",
      name: e.name,
      ...(e.renamedFrom ? { renamedFrom: e.renamedFrom } : {}),
      fields: Object.fromEntries(e.fields.map((f) => [f.name, fieldSpec(f)])),
      ...(rels.length
        ? {
            relationships: Object.fromEntries(
              rels.map((r) => [
                r.name,
                {
                  kind: "belongsTo",
                  entity: r.target,
                  ...(r.optional ? { optional: true } : {}),
                  onDelete: r.onDelete,
                  ...(r.renamedFrom ? { renamedFrom: r.renamedFrom } : {}),
                },
              ]),
            ),
          }
        : {}),
      ...(e.status
        ? {
            status: {
              initial: e.status.states[0],
              states: e.status.states,
              transitions: e.status.transitions
                .filter(([f, t]) => e.status!.states.includes(f) && e.status!.states.includes(t))
                .map(([from, to]) => ({ from, to })),
            },
          }
        : {}),
      ...(invariants.length ? { invariants } : {}),
      ...(lists(e.unique).length ? { unique: lists(e.unique) } : {}),
      ...(lists(e.indexes).length ? { indexes: lists(e.indexes) } : {}),
      ...(noOverlap.length ? { noOverlap } : {}),
      allowDataLoss: { reason: "property test" },
    };
  });
}

/** Pairs (A, B) of entity specs. */
export const specPair = fc
  .tuple(
    fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    fc.integer({ min: 1, max: 6 }),
  )
  .map(([seedA, seedB, steps]) => {
    counter = 0;
    const a = generateA(new Choices(seedA));
    const b = mutate(a, new Choices(seedB), steps);
    // renamedFrom hints of A are history: A is a first deployment.
    return { a: render(a), b: render(b) };
  });
