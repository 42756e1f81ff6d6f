/** The rule table, the rule modules and docs/risk-rules.md agree (ids, levels, titles, hints). */
import { readFileSync } from "node:fs";
import { RULE_CATALOGUE, TOOL_RULE_IDS, TOOL_RULES } from "../../risk/rules";
import { STALE_ACKNOWLEDGMENT } from "../../risk/acknowledgments";

const docs = readFileSync("docs/risk-rules.md", "utf8");

describe("the rule catalogue", () => {
  it("files every rule under its own id, with R rules red and Y rules yellow", () => {
    for (const id of TOOL_RULE_IDS) {
      expect(TOOL_RULES[id].id).toBe(id);
      expect(TOOL_RULES[id].level).toBe(id.startsWith("R") ? "red" : "yellow");
    }
  });

  it("documents every rule with its level and hint in docs/risk-rules.md", () => {
    for (const rule of [...TOOL_RULE_IDS.map((id) => TOOL_RULES[id]), STALE_ACKNOWLEDGMENT]) {
      const section = new RegExp(`^### ${rule.id} \\((red|yellow)\\)`, "m").exec(docs);
      expect({ id: rule.id, level: section?.[1] }).toEqual({ id: rule.id, level: rule.level });
      expect(docs).toContain(rule.hint);
    }
  });

  it("lists every schema-change rule of the migration planner with its level", () => {
    for (const rule of RULE_CATALOGUE.filter((r) => r.judges === "schema")) {
      expect(docs).toContain(`| ${rule.id} | ${rule.level} |`);
    }
    expect(RULE_CATALOGUE.filter((r) => r.judges === "schema").length).toBeGreaterThan(0);
  });

  it("has unique ids across tool, engine and schema rules", () => {
    const ids = RULE_CATALOGUE.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents no rule the engine does not have", () => {
    const documented = [...docs.matchAll(/^### ([A-Z][0-9]{3}) /gm)].map((m) => m[1]);
    expect(documented.filter((id) => id !== STALE_ACKNOWLEDGMENT.id && !id?.startsWith("S"))).toEqual([...TOOL_RULE_IDS]);
  });
});
