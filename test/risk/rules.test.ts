import { TOOL_RULE_IDS, TOOL_RULES } from "../../risk/rules";
import { RULE_CASES } from "./rule-cases";
import { assessOne } from "./support";

describe.each(TOOL_RULE_IDS.map((id) => [id, TOOL_RULES[id].title] as const))("%s: %s", (id) => {
  const { triggers, nearMisses } = RULE_CASES[id];

  it("has at least three triggering specs and three near misses", () => {
    expect(triggers.length).toBeGreaterThanOrEqual(3);
    expect(nearMisses.length).toBeGreaterThanOrEqual(3);
  });

  it.each(triggers.map((c) => [c.name, c] as const))("fires: %s", (_name, c) => {
    const found = assessOne(c.spec).findings.filter((f) => f.rule === id);
    expect(found.length).toBeGreaterThan(0);
    if (c.node !== undefined) expect(found.map((f) => f.node ?? null)).toContain(c.node);
    for (const f of found) {
      expect(f.level).toBe(TOOL_RULES[id].level);
      expect(f.hint).toBe(TOOL_RULES[id].hint);
      expect(f.message.length).toBeGreaterThan(20);
    }
  });

  it.each(nearMisses.map((c) => [c.name, c] as const))("does not fire: %s", (_name, c) => {
    expect(assessOne(c.spec).findings.filter((f) => f.rule === id)).toEqual([]);
  });
});
