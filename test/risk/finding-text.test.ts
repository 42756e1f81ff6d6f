/**
 * One way to show a finding in text (risk/report/finding.ts): its lines, and that every text
 * output — the CLI report, the components' refusal and warning, the schema-change report, the
 * entity record's refusal — shows each finding exactly as `findingLines` gives it.
 */
import { governTool } from "../../components/governance";
import { assessSpecs } from "../../risk/engine";
import { judgeEntityChange } from "../../risk/entity-migration";
import { findingFields, findingLines, findingsText } from "../../risk/report/finding";
import { schemaChangesText } from "../../risk/report/schema-changes";
import { riskReportText } from "../../risk/report/text";
import type { Finding } from "../../risk/rule";
import type { SchemaFinding } from "../../risk/schema-changes";
import type { EntitySpec } from "../../language/entity";
import { loadSpecDir } from "../../loader/load";

const atNode: Finding = {
  rule: "R001",
  level: "red",
  node: "save",
  message: "it stays committed",
  hint: "put it in a transaction",
  acknowledged: false,
};
const atTool: Finding = {
  rule: "Y005",
  level: "yellow",
  message: "no timeout",
  hint: "set timeout",
  acknowledged: true,
  reason: "the caller bounds it",
};
const schema: SchemaFinding = {
  rule: "S002",
  level: "red",
  entity: "Room",
  message: "dropping Room.floor deletes its values",
  hint: "keep the field",
  acknowledged: true,
  reason: "never filled in",
};

describe("findingLines", () => {
  it("says the rule, level and where, then the hint and, when acknowledged, the reason", () => {
    expect(findingLines(atNode)).toEqual(["  R001 red at node save: it stays committed", "      hint: put it in a transaction"]);
    expect(findingLines(atTool)).toEqual([
      "  Y005 yellow at the tool: no timeout [acknowledged]",
      "      hint: set timeout",
      "      reason: the caller bounds it",
    ]);
  });

  it("shows a schema change without a place (its message names it) and accepted by allowDataLoss", () => {
    expect(findingLines(schema, { indent: "    " })).toEqual([
      "    S002 red: dropping Room.floor deletes its values [allowDataLoss]",
      "        hint: keep the field",
      "        reason: never filled in",
    ]);
  });

  it("paints only the rule with its level and the acknowledgment mark", () => {
    const painted = findingLines(atTool, { paint: (style, text) => `<${style}>${text}</>` });
    expect(painted[0]).toBe("  <yellow>Y005 yellow</> at the tool: no timeout<acknowledged> [acknowledged]</>");
  });

  it("gives Markdown and JSON the same fields; a reason only with an acknowledgment", () => {
    expect(findingFields(atNode)).toEqual({
      rule: "R001",
      level: "red",
      where: "at node save",
      node: "save",
      message: "it stays committed",
      hint: "put it in a transaction",
      acknowledged: false,
      acknowledgedBy: "acknowledged",
    });
    expect(findingFields({ ...atTool, acknowledged: false })).not.toHaveProperty("reason");
  });
});

describe("every text output shows findings through it", () => {
  const assessments = assessSpecs(loadSpecDir("test/risk/fixtures/shop").specs);
  const withFindings = assessments.filter((a) => a.findings.length > 0);

  it("has tools with findings to show", () => {
    expect(withFindings.map((a) => a.findings.length)).toEqual([6, 1]);
  });

  it("the CLI report", () => {
    const text = riskReportText(assessments, { color: false, plans: false });
    for (const a of withFindings) expect(text).toContain(findingsText(a.findings));
  });

  it("the components' refusal and warning", () => {
    for (const a of withFindings) expect(governTool(a).message).toContain(`\n${findingsText(a.findings)}`);
  });

  it("the schema-change report and the entity record's refusal", () => {
    const room: EntitySpec = {
      kind: "Entity",
      name: "Room",
      fields: { number: { type: "string", maxLength: 10 }, floor: { type: "integer", optional: true } },
    } as never;
    const dropped = { ...room, fields: { number: room.fields.number } } as EntitySpec;
    const judgement = judgeEntityChange({ spec: room, related: [] }, { spec: dropped, related: [] });
    expect(judgement.refused).toBe(true);
    expect(judgement.summary.findings.map((f) => f.rule)).toEqual(["S002"]);
    expect(judgement.message).toContain(`\n${findingsText(judgement.summary.findings)}\n`);
    const text = schemaChangesText({
      available: true,
      entities: [{ entity: "Room", steps: [], sql: [], findings: judgement.summary.findings }],
      problems: [],
      deployable: false,
    });
    expect(text).toContain(`\n${findingsText(judgement.summary.findings, { indent: "    " })}\n`);
  });
});
