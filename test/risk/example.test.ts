/**
 * The example app is deployable as it stands, and breaking one of its tools the way people break
 * tools turns that tool Red with the rule that names the mistake.
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { findSpecFiles } from "../../loader/source/spec-files";
import { formatDiagnostic } from "../../loader/diagnostics";
import { loadSpecDir, loadSpecObjects } from "../../loader/load";
import { assessSpecs } from "../../risk/engine";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLE = "examples/reservations";
const exampleDocs = (): Doc[] =>
  findSpecFiles(EXAMPLE).flatMap((f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS() as Doc));

/** The example's documents with one tool changed by `edit`; the result must still be valid specs. */
function assessVariant(toolName: string, edit: (tool: Doc) => void) {
  const docs = exampleDocs();
  const tool = docs.find((d) => d.kind === "Tool" && d.name === toolName);
  if (!tool) throw new Error(`no tool ${toolName}`);
  edit(tool);
  const loaded = loadSpecObjects(docs);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
  return assessSpecs(loaded.specs).find((a) => a.name === toolName)!;
}
const node = (tool: Doc, id: string): Doc => tool.flow.nodes.find((n: Doc) => n.id === id);
const withoutNode = (tool: Doc, id: string) => (tool.flow.nodes = tool.flow.nodes.filter((n: Doc) => n.id !== id));
const redRules = (a: { findings: { rule: string; level: string }[] }) =>
  [...new Set(a.findings.filter((f) => f.level === "red").map((f) => f.rule))].sort();
const unacknowledged = (a: { findings: { rule: string; acknowledged: boolean }[] }) =>
  a.findings
    .filter((f) => !f.acknowledged)
    .map((f) => f.rule)
    .sort();

describe("examples/reservations under the Risk Engine", () => {
  const assessments = assessSpecs(loadSpecDir(EXAMPLE).specs);

  it.each(assessments.map((a) => [a.name, a] as const))("%s is Green or Yellow with every finding acknowledged", (_name, a) => {
    expect(["green", "yellow"]).toContain(a.risk);
    expect(a.findings.filter((f) => !f.acknowledged)).toEqual([]);
    expect(a.deployable).toBe(true);
  });

  it("acknowledges exactly the Yellow findings the example's authors accepted", () => {
    const acked = assessments.flatMap((a) => a.findings.map((f) => `${a.name} ${f.rule} ${f.node ?? "(tool)"}`));
    expect(acked.sort()).toEqual([
      "completeStays Y003 complete",
      "completeStays Y007 occupancy",
      "confirmReservation Y004 charge",
      "createReservation Y001 sendConfirmation",
    ]);
  });
});

describe("broken variants of the example tools turn Red", () => {
  it("a charge without compensate: refund → R003", () => {
    const a = assessVariant("confirmReservation", (t) => delete node(t, "charge").compensate);
    expect(redRules(a)).toEqual(["R003"]);
    expect(a.deployable).toBe(false);
  });

  it("the transaction removed → R001, and the Y004 acknowledgment goes stale (A001)", () => {
    const a = assessVariant("confirmReservation", (t) => withoutNode(t, "tx"));
    expect(redRules(a)).toEqual(["R001"]);
    expect(unacknowledged(a)).toEqual(["A001", "R001"]);
    expect(a.findings.find((f) => f.rule === "A001")!.message).toContain("no Y004 finding at node charge");
  });

  it("a cancellation written as a status update → R005", () => {
    const a = assessVariant("cancelReservation", (t) =>
      Object.assign(node(t, "cancel"), { action: "update", to: undefined, set: { status: "'cancelled'" } }),
    );
    expect(redRules(a)).toEqual(["R005"]);
  });

  it("a confirmation that also accepts cancelled reservations → R006", () => {
    const a = assessVariant(
      "confirmReservation",
      (t) => (node(t, "mustBePending").condition = "nodes.load.status in ['pending', 'cancelled']"),
    );
    expect(redRules(a)).toEqual(["R006"]);
    expect(a.findings.find((f) => f.rule === "R006")!.message).toContain('from "cancelled" (pinned by assert "mustBePending")');
  });

  it("a webhook that moves reservations back to pending → R006", () => {
    const a = assessVariant("paymentWebhook", (t) => (node(t, "cancel").to = "pending"));
    expect(redRules(a)).toEqual(["R006"]);
  });

  it("the ops notification made in the flow without its Idempotency-Key → R007", () => {
    const a = assessVariant("completeStays", (t) => {
      delete node(t, "notifyOps").headers["Idempotency-Key"];
      node(t, "notifyOps").runs = "inFlow";
    });
    expect(redRules(a)).toEqual(["R007"]);
  });

  it("the ops notification after the commit needs no Idempotency-Key of its own: the outbox derives one", () => {
    const a = assessVariant("completeStays", (t) => delete node(t, "notifyOps").headers["Idempotency-Key"]);
    expect(redRules(a)).toEqual([]);
  });

  it("the refund made in the flow, inside the cancellation's transaction → R008", () => {
    const a = assessVariant("cancelReservation", (t) => (node(t, "refund").runs = "inFlow"));
    expect(redRules(a)).toEqual(["R008"]);
  });

  it("the occupancy query turned into a write in read mode → R002, its Y007 acknowledgment stale", () => {
    const a = assessVariant(
      "completeStays",
      (t) => (node(t, "occupancy").query = "UPDATE reservation SET notes = NULL RETURNING 1 AS confirmed"),
    );
    expect(redRules(a)).toEqual(["R002"]);
    expect(unacknowledged(a)).toContain("A001");
  });

  it("a booking written outside its transaction → R001", () => {
    const a = assessVariant("createReservation", (t) => (node(t, "tx").nodes = ["customer", "room", "roomActive", "fits", "price"]));
    expect(redRules(a)).toEqual(["R001"]);
  });

  it("a charge with a constant idempotency key → R007", () => {
    const a = assessVariant("confirmReservation", (t) => (node(t, "charge").idempotencyKey = "'confirm'"));
    expect(redRules(a)).toEqual(["R007"]);
  });
});
