/**
 * A schema-change rule: a pure check over one planned change. The message states the
 * consequence, the hint the safe alternative; the level and hint belong to the rule, so every
 * finding of one rule reads the same way (like the tool rules in risk/).
 */
import type { Change } from "../changes";

export type SchemaFindingLevel = "red" | "yellow";

export interface SchemaChangeRule {
  readonly id: `S${number}`;
  readonly level: SchemaFindingLevel;
  /** One line naming what the rule finds. */
  readonly title: string;
  readonly hint: string;
  /** The finding's message when the rule fires on `change`, else undefined. */
  check(change: Change): string | undefined;
}

export interface SchemaFinding {
  readonly rule: string;
  readonly level: SchemaFindingLevel;
  readonly entity: string;
  readonly message: string;
  readonly hint: string;
  /** Red findings are acknowledged by the entity's `allowDataLoss`. */
  readonly acknowledged: boolean;
  readonly reason?: string;
}
