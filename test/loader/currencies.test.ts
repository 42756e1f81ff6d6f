/**
 * The currency exponents minorUnits uses come from the currency-codes package; these tests hold
 * them against the ISO 4217 list-one XML that the package ships (its source) and against
 * exponents everyone knows, and check the codes refused because ISO gives them no minor unit.
 */
import { readFileSync } from "node:fs";
import { NO_MINOR_UNIT, currencyExponent } from "../../loader/cel/currencies";

/** Each <CcyNtry> of list one: its code and its minor units ("2", "0", "N.A."). */
function isoEntries(): Map<string, string> {
  const xml = readFileSync(require.resolve("currency-codes/iso-4217-list-one.xml"), "utf8");
  const entries = new Map<string, string>();
  for (const [, body] of xml.matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)) {
    const code = /<Ccy>([A-Z]{3})<\/Ccy>/.exec(body!)?.[1];
    const units = /<CcyMnrUnts>([^<]*)<\/CcyMnrUnts>/.exec(body!)?.[1];
    if (code && units) entries.set(code, units);
  }
  return entries;
}

describe("currency exponents", () => {
  const iso = isoEntries();

  it("reads a full list", () => {
    expect(iso.size).toBeGreaterThan(170);
  });

  it("refuses exactly the codes ISO 4217 gives no minor unit", () => {
    const none = [...iso]
      .filter(([, units]) => units === "N.A.")
      .map(([code]) => code)
      .sort();
    expect([...NO_MINOR_UNIT].sort()).toEqual(none);
    for (const code of none)
      expect(currencyExponent(code)).toEqual({ error: `${code} has no minor unit in ISO 4217 and cannot be paid in` });
  });

  it("gives every other listed code ISO's exponent", () => {
    const mismatches = [...iso]
      .filter(([, units]) => units !== "N.A.")
      .map(([code, units]) => [code, Number(units), currencyExponent(code)] as const)
      .filter(([, units, found]) => !("exponent" in found) || found.exponent !== units);
    expect(mismatches).toEqual([]);
  });

  it.each([
    ["EUR", 2],
    ["eur", 2],
    ["USD", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["ISK", 0],
    ["KWD", 3],
    ["BHD", 3],
    ["TND", 3],
    ["CLF", 4],
    ["UYW", 4],
  ])("%s has %i decimal places", (code, exponent) => {
    expect(currencyExponent(code)).toEqual({ exponent });
  });

  it.each(["EU", "EURO", "e1r", "", "ABC"])("refuses %j", (code) => {
    expect(currencyExponent(code)).toHaveProperty("error");
  });
});
