/**
 * ISO 4217 minor-unit exponents, for `minorUnits(amount, currency)`. The table is the
 * `currency-codes` package's, generated from the ISO 4217 maintenance agency's list one
 * (the XML ships inside the package, its date in `publishDate`), so a new or changed
 * currency arrives with a dependency update instead of an edit here.
 */
import { code as currencyRecord } from "currency-codes";

/**
 * Codes that ISO 4217 lists with no minor unit at all ("N.A."): precious metals, bond-market
 * units, special drawing rights, the testing code and "no currency". currency-codes reports 0
 * digits for them, so `minorUnits(decimal('3'), 'XAU')` would answer 3 as if gold had a minor
 * unit; nothing is paid in them through a card API, so they are refused by name.
 * test/loader/currencies.test.ts checks this list against the list-one XML the package ships.
 */
export const NO_MINOR_UNIT: ReadonlySet<string> = new Set([
  "XAG",
  "XAU",
  "XBA",
  "XBB",
  "XBC",
  "XBD",
  "XDR",
  "XPD",
  "XPT",
  "XSU",
  "XTS",
  "XUA",
  "XXX",
]);

/**
 * The number of decimal places of the currency's minor unit (EUR 2, JPY 0, KWD 3, CLF 4), or a
 * reason it has none. Codes are matched case-insensitively: payment providers write them in
 * lower case (`'eur'`), ISO in upper case.
 */
export function currencyExponent(currency: string): { exponent: number } | { error: string } {
  const upper = currency.toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper)) return { error: `"${currency}" is not an ISO 4217 currency code (three letters)` };
  if (NO_MINOR_UNIT.has(upper)) return { error: `${upper} has no minor unit in ISO 4217 and cannot be paid in` };
  const record = currencyRecord(upper);
  if (!record) return { error: `"${currency}" is not an ISO 4217 currency code` };
  return { exponent: record.digits };
}
