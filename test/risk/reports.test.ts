/**
 * What users read: the text, Markdown, JSON and Mermaid reports of a small shop (one green, one
 * acknowledged yellow, one red tool), compared whole against reviewed snapshots.
 */
import { assessSpecs, summarize, summaryLine } from "../../risk/engine";
import { riskReportJson } from "../../risk/report/json";
import { riskReportMarkdown } from "../../risk/report/markdown";
import { flowMermaid } from "../../risk/report/mermaid";
import { riskReportText } from "../../risk/report/text";
import { loadSpecDir } from "../../loader/load";

const loaded = loadSpecDir("test/risk/fixtures/shop");
const assessments = assessSpecs(loaded.specs);

describe("risk reports", () => {
  it("loads the fixture cleanly", () => {
    expect(loaded.diagnostics).toEqual([]);
  });

  it("text, without colour", () => {
    const text = riskReportText(assessments, { color: false, plans: true });
    expect(text).not.toContain("\u001b[");
    expect(text).toMatchSnapshot();
  });

  it("text, in colour only when asked", () => {
    const text = riskReportText(assessments, { color: true, plans: false });
    expect(text).toContain("\u001b[31m\u001b[1mRED");
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
    expect(text.replace(ansi, "")).toBe(riskReportText(assessments, { color: false, plans: false }));
  });

  it("Markdown for a pull request", () => {
    expect(riskReportMarkdown(assessments)).toMatchSnapshot();
  });

  it("JSON in the risk-rules.md shape: tools[] with exactly name, risk, deployable, findings", () => {
    const json = riskReportJson(assessments);
    for (const t of json.tools) {
      expect(Object.keys(t)).toEqual(["name", "risk", "deployable", "findings"]);
      for (const f of t.findings)
        expect(Object.keys(f)).toEqual(
          f.node === undefined
            ? ["rule", "level", "message", "hint", "acknowledged"]
            : ["rule", "level", "node", "message", "hint", "acknowledged"],
        );
    }
    expect(json).toMatchSnapshot();
  });

  it("Mermaid with risk marks", () => {
    expect(assessments.map((a) => flowMermaid(a)).join("\n")).toMatchSnapshot();
  });

  it("the summary line counts tools by level", () => {
    expect(summaryLine(summarize(assessments))).toBe("3 tools: 1 green, 1 yellow, 1 red");
    expect(summaryLine(summarize(assessments.slice(0, 1)))).toBe("1 tool: 1 green, 0 yellow, 0 red");
  });
});
