import { applyAcknowledgments } from "../../risk/acknowledgments";
import type { Finding } from "../../risk/rule";
import { loadSpecObjects } from "../../loader/load";
import { ENTITIES, assessOne, email, tool } from "./support";

const unretriedMail = () => email("mail", { retry: undefined });

describe("a tool's level and deployability", () => {
  it("no finding: green and deployable", () => {
    const a = assessOne(tool([email()]));
    expect([a.risk, a.deployable, a.findings]).toEqual(["green", true, []]);
  });

  it("an unacknowledged Yellow: yellow, not deployable", () => {
    const a = assessOne(tool([unretriedMail()]));
    expect([a.risk, a.deployable]).toEqual(["yellow", false]);
    expect(a.findings.map((f) => [f.rule, f.node, f.acknowledged])).toEqual([["Y001", "mail", false]]);
  });

  it("an acknowledged Yellow: still yellow, deployable, carrying the reason", () => {
    const a = assessOne(
      tool([unretriedMail()], [], { acknowledge: [{ rule: "Y001", node: "mail", reason: "mailing twice is worse than not at all" }] }),
    );
    expect([a.risk, a.deployable]).toEqual(["yellow", true]);
    expect(a.findings).toEqual([
      expect.objectContaining({ rule: "Y001", node: "mail", acknowledged: true, reason: "mailing twice is worse than not at all" }),
    ]);
  });

  it("a tool-level Yellow is acknowledged without a node", () => {
    const a = assessOne(
      tool([email()], [], { timeout: undefined, acknowledge: [{ rule: "Y005", reason: "bounded by Cloud Run's own timeout" }] }),
    );
    expect([a.risk, a.deployable]).toEqual(["yellow", true]);
  });

  it("the worst finding decides: one Red among acknowledged Yellows is red", () => {
    const a = assessOne(
      tool(
        [unretriedMail(), { id: "bump", type: "sql", mode: "write", query: "UPDATE tag SET label = 'x'" }],
        [{ from: "mail", to: "bump" }],
        {
          acknowledge: [{ rule: "Y001", node: "mail", reason: "ok" }],
        },
      ),
    );
    expect(a.risk).toBe("red");
    expect(a.deployable).toBe(false);
  });
});

describe("acknowledgments must name an existing finding", () => {
  it("an acknowledgment on the wrong node is stale (A001) and does not excuse the finding", () => {
    const a = assessOne(
      tool([unretriedMail(), email("other")], [{ from: "mail", to: "other" }], {
        acknowledge: [{ rule: "Y001", node: "other", reason: "copied from another tool" }],
      }),
    );
    expect(a.findings.map((f) => [f.rule, f.node, f.acknowledged])).toEqual([
      ["Y001", "mail", false],
      ["A001", "other", false],
    ]);
    expect(a.findings[1]!.message).toBe(
      'acknowledgment of Y001 at node other ("copied from another tool") matches nothing it may excuse: no Y001 finding at node other: the acknowledgment is stale',
    );
    expect(a.deployable).toBe(false);
  });

  it("a tool-level rule acknowledged at a node is stale", () => {
    const a = assessOne(tool([email()], [], { timeout: undefined, acknowledge: [{ rule: "Y005", node: "mail", reason: "r" }] }));
    expect(a.findings.map((f) => [f.rule, f.node ?? null, f.acknowledged])).toEqual([
      ["Y005", null, false],
      ["A001", "mail", false],
    ]);
  });

  it("an acknowledgment left behind after the fix is stale", () => {
    const a = assessOne(tool([email()], [], { acknowledge: [{ rule: "Y001", node: "mail", reason: "no retry yet" }] }));
    expect(a.findings.map((f) => f.rule)).toEqual(["A001"]);
    expect([a.risk, a.deployable]).toEqual(["yellow", false]);
  });
});

describe("Red can never be acknowledged", () => {
  it("the loader refuses an acknowledgment of a Red rule (FS028)", () => {
    const result = loadSpecObjects([
      ...ENTITIES,
      tool([email()], [], { acknowledge: [{ rule: "R001", node: "mail", reason: "trust me" }] }),
    ]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["FS028"]);
  });

  it("and the engine ignores one that reaches it anyway, reporting it", () => {
    const red: Finding = { rule: "R001", level: "red", node: "save", message: "m", hint: "h", acknowledged: false };
    const spec = { acknowledge: [{ rule: "R001", node: "save", reason: "trust me" }] } as never;
    const result = applyAcknowledgments(spec, [red]);
    expect(result[0]!.acknowledged).toBe(false);
    expect(result[1]).toEqual(
      expect.objectContaining({
        rule: "A001",
        node: "save",
        message: expect.stringContaining("R001 is Red: Red findings cannot be acknowledged, only fixed"),
      }),
    );
  });
});
