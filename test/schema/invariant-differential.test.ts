/**
 * Differential test of the invariant translator: for every invariant of a corpus and random rows
 * (nulls included), the CHECK constraint PostgreSQL enforces accepts exactly the rows the CEL
 * evaluator accepts (CEL accepts a row when the rule evaluates to true; false or an error refuse it).
 */
import fc from "fast-check";
import { createBaseEnvironment, createRowEnvironment } from "../../loader/cel/environment";
import { loadSpecObjects } from "../../loader/load";
import { formatDiagnostic } from "../../loader/diagnostics";
import { entityList } from "../../loader/model";
import { compileEntities } from "../../compiler/schema/compile";
import { migrateToSpecs } from "../../migrate/apply";
import { databaseErrorFields } from "../../database/types";
import { describeEachDriver, useTestDatabase } from "../support/databases";
import { parseDecimal } from "../../loader/cel/decimal";

const RULES = [
  "j > 0",
  "i > j",
  "i == null || i > j",
  "i != null && i >= 0",
  "!(i > 5)",
  "i == 3",
  "i != 3",
  "j % 3 == 0 || j / 2 > 10",
  "j / (j - 5) > 0",
  "i / 0 > 1 || j > 0",
  "!(false && i / 0 > 1)",
  "e * 2.0 > e + 1.0",
  "d > 0.5 || d < -0.5",
  "d == null || d / 2.0 <= e",
  "p >= 0 && p < decimal('100.5')",
  "p == null || double(p) * 2.0 > e",
  // Exact decimals: as doubles 0.10 * 3 is 0.30000000000000004 and 0.29 * 100 is 28.999999999999996.
  "p == null || p * 3 != decimal('0.30')",
  "p == null || p + decimal('0.20') != decimal('0.30')",
  "p == null || p * 100 != decimal(29)",
  "p == null || double(p) != 0.29",
  "p == null || -p < decimal('-10.5') || p == j",
  // round is half away from zero in both (0.25 → 0.3, -0.25 → -0.3); floor and ceil by their scale.
  "p == null || round(p, 1) > p",
  "p == null || floor(p, 1) < ceil(p, 1)",
  "p == null || floor(p, 0) + ceil(-p, 0) == 0 && round(p, 0) < decimal(j)",
  "e > 1",
  "j > 1.5",
  "size(t) <= 3",
  "size(s) > 0",
  "s == null || size(s) < 4",
  "t.size() == 2",
  "size(t) + j > 2",
  "t.matches('^[a-z]+$')",
  "s.matches('a.b')",
  "t.matches('[0-9]')",
  "t.matches('\\\\d\\\\s')",
  "t.matches('^\\\\w+$')",
  "t < 'b'",
  "s >= t",
  "s + t == 'ab'",
  "t in ['a', 'b', 'ab']",
  "s in ['a', 'b']",
  "!(s in ['a'])",
  "i in [1, 2, 3]",
  "day2 > '2000-01-01'",
  "day == null || day < day2",
  "day > day2",
  "day in ['2020-02-29', '2021-01-01']",
  "b == true",
  "b",
  "b || c",
  "!b && c",
  "b != c",
  "u != null",
  "u == '00000000-0000-4000-8000-000000000001'",
  "(i + j) * 2 - j > i",
  "-j < 0",
  "(i < 5) == (j < 5)",
  "(i > 0) != (i == null)",
  "state == 'open' || i != null",
  "state in ['open', 'closed'] && t != ''",
  "ownerId == u || ownerId == null",
];

const FIELDS = {
  i: { type: "integer", optional: true },
  j: { type: "integer" },
  d: { type: "number", optional: true },
  e: { type: "number" },
  p: { type: "decimal", precision: 12, scale: 2, optional: true },
  s: { type: "string", optional: true },
  t: { type: "string" },
  b: { type: "boolean", optional: true },
  c: { type: "boolean" },
  day: { type: "date", optional: true },
  day2: { type: "date" },
  u: { type: "uuid", optional: true },
  state: { type: "enum", values: ["open", "closed", "gone"] },
} as const;

const entityName = (k: number) => `Inv${k}`;
const specs = [
  { kind: "Entity", name: "Owner", fields: { label: { type: "string", optional: true } } },
  ...RULES.map((rule, k) => ({
    kind: "Entity",
    name: entityName(k),
    fields: FIELDS,
    relationships: { owner: { kind: "belongsTo", entity: "Owner", optional: true } },
    invariants: [{ name: "rule", rule, message: rule }],
  })),
];

const UUIDS = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"];
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
const int = fc.oneof(fc.constantFrom(-1, 0, 1, 2, 3, 5, 6, 10, 11, 21, 22), fc.integer({ min: -100_000, max: 100_000 }));
// No subnormals: PostgreSQL raises "underflow" where a double result rounds to 0 (docs/schema.md).
const double = fc.oneof(
  fc.constantFrom(0, 0.5, -0.5, 1, 1.5, 2, -1, 100.5, 0.1, 0.2),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => (Math.abs(x) < 1e-100 ? 0 : x)),
);
const decimal = fc.oneof(
  fc.constantFrom("0.10", "0.20", "0.25", "-0.25", "0.29", "1.15", "19.99", "-0.15", "0.00"),
  fc.integer({ min: -2_000_000, max: 2_000_000 }).map((cents) => (cents / 100).toFixed(2)),
);
// BMP only: the evaluator compares strings by UTF-16 unit, PostgreSQL ("C") by code point; they agree below U+10000.
const text = fc.oneof(
  fc.constantFrom("", "a", "b", "ab", "a\nb", "axb", "a.b", "aéb", "1 ", "7\t", "x_1"),
  fc.string({
    unit: fc.constantFrom("a", "b", "z", "A", "1", "7", " ", "\n", "\t", "é", "ß", "中", "\uff5e", "_", ".", "@"),
    maxLength: 5,
  }),
);
const date = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2040-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const row = fc.record({
  i: optional(int),
  j: int,
  d: optional(double),
  e: double,
  p: optional(decimal),
  s: optional(text),
  t: text,
  b: optional(fc.boolean()),
  c: fc.boolean(),
  day: optional(fc.oneof(fc.constantFrom("2020-02-29", "2021-01-01", "2000-01-01"), date)),
  day2: fc.oneof(fc.constantFrom("2000-01-01", "2021-01-01"), date),
  u: optional(fc.constantFrom(...UUIDS)),
  ownerId: optional(fc.constantFrom(...UUIDS)),
  state: fc.constantFrom("open", "closed"),
});
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;

/** The row as the executor hands it to CEL: ints as bigint, decimals exact (as PostgreSQL's text). */
function celContext(r: Row): Record<string, unknown> {
  return { ...r, i: r.i === null ? null : BigInt(r.i), j: BigInt(r.j), p: r.p === null ? null : parseDecimal(r.p) };
}

describe("the invariant corpus", () => {
  it("loads, type-checks, and translates every rule to SQL", () => {
    const loaded = loadSpecObjects(specs);
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    const { model, problems } = compileEntities(entityList(loaded.specs));
    expect(problems).toEqual([]);
    expect(model.tables.flatMap((t) => t.executorInvariants.map((i) => `${i.rule}: ${i.reason}`))).toEqual([]);
  });
});

/** Chosen so that every rule but the constant one meets both outcomes (checked in afterAll). */
const SEED_BASE = Number(process.env.DIFF_SEED_BASE ?? 2);

const outcomesByRule = new Map<string, { accepted: number; refused: number }>();

describeEachDriver("SQL CHECK and CEL agree", (driver) => {
  const test = useTestDatabase(driver);
  const loaded = loadSpecObjects(specs);
  const entities = entityList(loaded.specs);
  const base = createBaseEnvironment(entities);

  beforeAll(async () => {
    const db = test.current.db;
    expect((await migrateToSpecs(db, entities)).status).toBe("applied");
    for (const id of UUIDS) await db.query('INSERT INTO "owner" ("id") VALUES ($1)', [id]);
  });

  afterAll(() => {
    // Rows must exercise both outcomes: a rule the generator always satisfies (or never) proves little.
    const oneSided = [...outcomesByRule].filter(([, o]) => o.accepted === 0 || o.refused === 0).map(([rule]) => rule);
    expect(oneSided).toEqual(["!(false && i / 0 > 1)"]);
  });

  it.each(RULES.map((rule, k) => [rule, k] as [string, number]))("%s", async (rule, k) => {
    const entity = entities.find((e) => e.name === entityName(k))!;
    const env = createRowEnvironment(base, entity);
    const table = `inv${k}`;
    const columns = ["i", "j", "d", "e", "p", "s", "t", "b", "c", "day", "day2", "u", "owner_id", "state"];
    const insert = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((_, n) => `$${n + 1}`).join(", ")})`;
    const outcomes = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(row, async (r) => {
        let cel: boolean;
        try {
          cel = env.evaluate(rule, celContext(r)) === true;
        } catch {
          cel = false;
        }
        let sql: boolean;
        try {
          await test.current.db.query(insert, [r.i, r.j, r.d, r.e, r.p, r.s, r.t, r.b, r.c, r.day, r.day2, r.u, r.ownerId, r.state]);
          sql = true;
        } catch (error) {
          if (databaseErrorFields(error).code !== "23514") throw error;
          sql = false;
        }
        outcomes[sql ? "accepted" : "refused"]++;
        expect({ row: r, sql }).toEqual({ row: r, sql: cel });
      }),
      // A fixed seed per rule: the outcome-coverage check below must not depend on luck
      // (a rule like `s + t == 'ab'` is true for few random rows).
      { numRuns: 120, seed: SEED_BASE + k },
    );
    outcomesByRule.set(rule, outcomes);
  });
});
