/**
 * The one table of tool rules. TOOL_RULE_IDS is the product contract (risk-rules.md); the table is
 * typed by it, so a rule id without its module (or a module filed under the wrong id) fails to compile.
 */
import { SCHEMA_CHANGE_RULES } from "../../compiler/migrations";
import { STALE_ACKNOWLEDGMENT } from "../acknowledgments";
import type { FindingLevel, ToolRule } from "../rule";
import { writeOutsideTransaction } from "./r001-write-outside-transaction";
import { rawSqlWrite } from "./r002-raw-sql-write";
import { chargeWithoutRefund } from "./r003-charge-without-refund";
import { unboundedWrite } from "./r004-unbounded-write";
import { statusSetDirectly } from "./r005-status-set-directly";
import { transitionNotListed } from "./r006-transition-not-listed";
import { unsafeRetryKey } from "./r007-unsafe-retry-key";
import { effectBeforeFailure } from "./r008-effect-before-failure";
import { externalWithoutRetry } from "./y001-external-without-retry";
import { externalWithoutTimeout } from "./y002-external-without-timeout";
import { highRowImpact } from "./y003-high-row-impact";
import { externalInTransaction } from "./y004-external-in-transaction";
import { toolWithoutTimeout } from "./y005-tool-without-timeout";
import { publicWrite } from "./y006-public-write";
import { rawSqlRead } from "./y007-raw-sql-read";
import { unkeyedRedelivery } from "./y008-unkeyed-redelivery";
import { retryOverDeadline } from "./y009-retry-over-deadline";

export const TOOL_RULE_IDS = [
  "R001",
  "R002",
  "R003",
  "R004",
  "R005",
  "R006",
  "R007",
  "R008",
  "Y001",
  "Y002",
  "Y003",
  "Y004",
  "Y005",
  "Y006",
  "Y007",
  "Y008",
  "Y009",
] as const;
export type ToolRuleId = (typeof TOOL_RULE_IDS)[number];

export const TOOL_RULES: { readonly [K in ToolRuleId]: ToolRule<K> } = {
  R001: writeOutsideTransaction,
  R002: rawSqlWrite,
  R003: chargeWithoutRefund,
  R004: unboundedWrite,
  R005: statusSetDirectly,
  R006: transitionNotListed,
  R007: unsafeRetryKey,
  R008: effectBeforeFailure,
  Y001: externalWithoutRetry,
  Y002: externalWithoutTimeout,
  Y003: highRowImpact,
  Y004: externalInTransaction,
  Y005: toolWithoutTimeout,
  Y006: publicWrite,
  Y007: rawSqlRead,
  Y008: unkeyedRedelivery,
  Y009: retryOverDeadline,
};

/** Rules in id order (Red first), the order their findings are listed in for one node. */
export const TOOL_RULE_LIST: readonly ToolRule[] = TOOL_RULE_IDS.map((id) => TOOL_RULES[id]);

/** What every rule of the engine is, whatever it judges: for docs, help and the catalogue test. */
export interface RuleDescription {
  readonly id: string;
  readonly level: FindingLevel;
  readonly title: string;
  readonly hint: string;
  /** `tool`: a compiled tool; `schema`: one planned schema change (compiler/migrations); `engine`: acknowledgments. */
  readonly judges: "tool" | "schema" | "engine";
}

/**
 * Every rule id the engine can report. Schema-change rules (S001…) run inside the migration
 * planner, which evaluates each on each planned change (risk/schema-changes.ts reaches it).
 */
export const RULE_CATALOGUE: readonly RuleDescription[] = [
  ...TOOL_RULE_LIST.map((r) => ({ id: r.id, level: r.level, title: r.title, hint: r.hint, judges: "tool" as const })),
  { ...STALE_ACKNOWLEDGMENT, judges: "engine" as const },
  ...SCHEMA_CHANGE_RULES.map((r) => ({ id: r.id, level: r.level, title: r.title, hint: r.hint, judges: "schema" as const })),
];
