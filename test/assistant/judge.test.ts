/** The verdict on a proposal is the loader's, the Risk Engine's and the migration planner's, compared with the app as it is. */
import { judge } from "../../assistant/judge";
import { assessSpecs } from "../../risk/engine";
import { loadSpecSources } from "../../loader/load";
import { CREATE_INVOICE, CREATE_INVOICE_RED, exampleApp, INVOICE } from "./fixtures";

const app = exampleApp();
const withFiles = (files: Record<string, string>) => new Map([...app, ...Object.entries(files)]);

test("a misspelled key: the loader's diagnostic with its file, line, field path and code", () => {
  const verdict = judge(app, withFiles({ "entities/invoice.yaml": INVOICE.replace("min: 0", "minn: 0") }));
  expect(verdict.ok).toBe(false);
  expect(verdict.failure).toBe("the specs do not load: 1 problem");
  expect(verdict.diagnostics).toEqual([
    { file: "entities/invoice.yaml", line: 5, path: "fields.amount.minn", code: "FS004", message: expect.stringContaining("unknown key") },
  ]);
});

test("a Red tool: not ok, with the Risk Engine's findings and levels", () => {
  const after = withFiles({ "entities/invoice.yaml": INVOICE, "tools/create-invoice.yaml": CREATE_INVOICE_RED });
  const verdict = judge(app, after);
  expect(verdict.ok).toBe(false);
  expect(verdict.failure).toBe("tool createInvoice is Red (blocked by the Risk Engine)");
  const engine = assessSpecs(loadSpecSources([...after].map(([file, text]) => ({ file, text }))).specs).find(
    (a) => a.name === "createInvoice",
  )!;
  expect(verdict.redFindings.map((f) => [f.rule, f.node, f.message])).toEqual(
    engine.findings.filter((f) => f.level === "red").map((f) => [f.rule, f.node, f.message]),
  );
  expect(verdict.risk.tools).toEqual([{ tool: "createInvoice", before: null, after: "red" }]);
});

test("a narrowed field: the migration step is Red, as the planner judges it, while the tools stay as they were", () => {
  const room = app.get("entities/room.yaml")!;
  const verdict = judge(app, withFiles({ "entities/room.yaml": room.replace("maxLength: 10, unique", "maxLength: 5, unique") }));
  expect(verdict.ok).toBe(true);
  expect(verdict.risk.tools).toEqual([]);
  expect(verdict.risk.migration.some((s) => s.level === "red" && /number/.test(s.summary))).toBe(true);
});

test("the valid new entity and tool: green, with its migration", () => {
  const verdict = judge(app, withFiles({ "entities/invoice.yaml": INVOICE, "tools/create-invoice.yaml": CREATE_INVOICE }));
  expect(verdict).toMatchObject({ ok: true, diagnostics: [], redFindings: [] });
  expect(verdict.risk.tools).toEqual([{ tool: "createInvoice", before: null, after: "green" }]);
});
