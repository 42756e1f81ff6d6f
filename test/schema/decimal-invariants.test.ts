/**
 * How invariants over decimals become CHECKs: numeric all the way (no cast to double), the decimal
 * functions PostgreSQL computes identically, and the ones it does not left to the executor with
 * the reason. invariant-differential.test.ts proves the translated ones agree with CEL on rows.
 */
import { compileEntities } from "../../compiler/schema/compile";
import { formatDiagnostic } from "../../loader/diagnostics";
import { loadSpecObjects } from "../../loader/load";
import { entityList } from "../../loader/model";

function compile(rules: string[]) {
  const loaded = loadSpecObjects([
    {
      kind: "Entity",
      name: "Price",
      fields: { amount: { type: "decimal", precision: 12, scale: 2 }, qty: { type: "integer" }, rate: { type: "number" } },
      invariants: rules.map((rule, i) => ({ name: `r${i}`, rule, message: rule })),
    },
  ]);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
  const table = compileEntities(entityList(loaded.specs)).model.tables[0]!;
  const check = (rule: string) => table.constraints.find((c) => c.rule === `invariant r${rules.indexOf(rule)}`)?.definition;
  return { check, executor: table.executorInvariants.map((i) => [i.rule, i.reason]) };
}

describe("invariants over decimals", () => {
  it("compare and compute in numeric, exactly as the CEL decimal does", () => {
    const rules = [
      "amount * 3 != decimal('0.30')",
      "amount + qty > 0",
      "-amount <= decimal(qty)",
      "round(amount, 1) >= floor(amount, 1) && ceil(amount, 0) >= amount",
      "double(amount) * 2.0 > rate",
    ];
    const { check, executor } = compile(rules);
    expect(executor).toEqual([]);
    expect(rules.map(check)).toEqual([
      `CHECK ((("amount" * 3::bigint) <> '0.30'::numeric))`,
      `CHECK ((("amount" + "qty"::bigint) > 0))`,
      `CHECK (((- "amount") <= ("qty")::numeric))`,
      `CHECK (((round("amount", 1) >= (floor(("amount") * 10::numeric) * 0.1::numeric)) AND ((ceil(("amount") * 1::numeric) * 1::numeric) >= "amount")))`,
      `CHECK (((("amount")::double precision * '2'::double precision) > "rate"))`,
    ]);
  });

  it("leaves to the executor what PostgreSQL would compute differently, saying why", () => {
    const { executor } = compile([
      "decimal(rate) < amount",
      "minorUnits(amount, 'eur') > 0",
      "round(amount, qty) > 0",
      "decimal('1e3') > amount",
      "int(amount) > 0",
    ]);
    expect(executor).toEqual([
      ["decimal(rate) < amount", "decimal() of double"],
      ["minorUnits(amount, 'eur') > 0", "the function minorUnits() is outside the SQL subset"],
      ["round(amount, qty) > 0", "round() with a scale that is not an int literal from 0 to 1000"],
      ["decimal('1e3') > amount", `decimal() of "1e3", which is not a plain decimal`],
      ["int(amount) > 0", "the function int() is outside the SQL subset"],
    ]);
  });
});
