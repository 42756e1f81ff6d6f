/**
 * The splice every proposal and every accept goes through: one document's text replaced, added or
 * removed, every other byte of its file kept; and what the model may propose.
 */
import { applyProposedDocument } from "../../assistant/accept";
import { documentSpans, spliceDocument } from "../../assistant/documents";
import { proposedChanges } from "../../assistant/tools";
import { WorkingCopy } from "../../assistant/working-copy";

const FILE = `# yaml-language-server: $schema=../fascia-spec.schema.json
kind: Policy
name: first
rule: "true" # always
message: "first"

# a comment between documents
---
# about second
kind: Policy
name: second
rule: "false"
message: "second"
---
kind: Policy
name: third
rule: "true"
message: "third"`; // no newline at the end, as some editors leave files

const policy = (name: string, rule = "true") => `kind: Policy\nname: ${name}\nrule: "${rule}"\nmessage: "${name}"\n`;

describe("spliceDocument", () => {
  test("the documents of a file, each with its own text (its `---` and the header comment stay with the file)", () => {
    expect(documentSpans(FILE).map((d) => [d.index, d.kind, d.name])).toEqual([
      [0, "Policy", "first"],
      [1, "Policy", "second"],
      [2, "Policy", "third"],
    ]);
    expect(documentSpans(FILE)[1]!.text).toBe(`# about second\nkind: Policy\nname: second\nrule: "false"\nmessage: "second"\n`);
  });

  test("replacing a middle document changes only its text", () => {
    const next = spliceDocument(FILE, "Policy", "second", policy("second", "1 == 1"))!;
    const start = FILE.indexOf("# about second");
    const end = FILE.lastIndexOf("---");
    expect(next).toBe(FILE.slice(0, start) + policy("second", "1 == 1") + FILE.slice(end));
  });

  test("replacing the first keeps the header comment; the last keeps the file's missing final newline absent before it", () => {
    expect(spliceDocument(FILE, "Policy", "first", policy("first"))!.startsWith("# yaml-language-server")).toBe(true);
    const last = spliceDocument(FILE, "Policy", "third", policy("third", "false"))!;
    expect(last).toBe(FILE.slice(0, FILE.lastIndexOf("---\n") + 4) + policy("third", "false"));
  });

  test("a new document goes after a `---` at the end; a new file is the document", () => {
    expect(spliceDocument(FILE, "Policy", "fourth", policy("fourth"))).toBe(`${FILE}\n---\n${policy("fourth")}`);
    expect(spliceDocument(null, "Policy", "fourth", policy("fourth").trimEnd())).toBe(policy("fourth"));
  });

  test("deleting a document takes its `---` with it; deleting a file's only document deletes the file", () => {
    const withoutSecond = spliceDocument(FILE, "Policy", "second", null)!;
    expect(documentSpans(withoutSecond).map((d) => d.name)).toEqual(["first", "third"]);
    expect(withoutSecond).toContain("# a comment between documents\n---\nkind: Policy\nname: third");
    const withoutFirst = spliceDocument(FILE, "Policy", "first", null)!;
    expect(withoutFirst.startsWith("# yaml-language-server: $schema=../fascia-spec.schema.json\n# about second\nkind: Policy")).toBe(true);
    expect(documentSpans(withoutFirst).map((d) => d.name)).toEqual(["second", "third"]);
    expect(spliceDocument(policy("only"), "Policy", "only", null)).toBeNull();
  });

  test("a document that does not parse is still found by its kind: and name: lines, and can be replaced", () => {
    const broken = `${policy("ok")}---\nkind: Policy\nname: broken\nrule: [unclosed\n`;
    expect(spliceDocument(broken, "Policy", "broken", policy("broken"))).toBe(`${policy("ok")}---\n${policy("broken")}`);
  });
});

describe("applyProposedDocument", () => {
  const doc = { file: "policies.yaml", kind: "Policy" as const, name: "second" };
  test("writes the document in place of exactly the text that was judged", () => {
    const before = documentSpans(FILE)[1]!.text;
    expect(applyProposedDocument(FILE, { ...doc, before, after: policy("second") })).toBe(
      spliceDocument(FILE, "Policy", "second", policy("second")),
    );
  });
  test("refuses when the document changed since it was proposed, or was created meanwhile", () => {
    expect(() => applyProposedDocument(FILE, { ...doc, before: policy("second"), after: policy("second", "x") })).toThrow(
      "policies.yaml: Policy second changed since it was proposed; ask again",
    );
    expect(() => applyProposedDocument(FILE, { ...doc, before: null, after: policy("second") })).toThrow(/changed since it was proposed/);
  });
});

describe("WorkingCopy", () => {
  const app = new Map([
    ["policies.yaml", FILE],
    ["other.yaml", policy("elsewhere")],
  ]);
  test("each recorded document replaces the last one recorded for it; the app is not touched", () => {
    const copy = new WorkingCopy(app);
    expect(copy.record({ file: "policies.yaml", kind: "Policy", name: "second", yaml: policy("second", "x") })).toBeUndefined();
    expect(copy.record({ file: "policies.yaml", kind: "Policy", name: "second", yaml: policy("second", "y") })).toBeUndefined();
    expect(copy.record({ file: "policies.yaml", kind: "Policy", name: "fourth", yaml: policy("fourth") })).toBeUndefined();
    expect(copy.record({ file: "other.yaml", kind: "Policy", name: "elsewhere", yaml: null })).toBeUndefined();
    expect(app.get("policies.yaml")).toBe(FILE);
    expect(copy.files.has("other.yaml")).toBe(false);
    const docs = copy.documents("p");
    expect(docs.map((d) => [d.id, d.file, d.docIndex, d.name, d.action])).toEqual([
      ["p/1", "policies.yaml", 1, "second", "update"],
      ["p/2", "policies.yaml", 3, "fourth", "create"],
      ["p/3", "other.yaml", 0, "elsewhere", "delete"],
    ]);
    expect(docs[0]!.before).toBe(documentSpans(FILE)[1]!.text);
    expect(docs[0]!.diff).toContain('-rule: "false"\n+rule: "y"');
  });
  test("a document that lives in another file is refused, naming that file", () => {
    const copy = new WorkingCopy(app);
    expect(copy.record({ file: "policies.yaml", kind: "Policy", name: "elsewhere", yaml: policy("elsewhere") })).toBe(
      'Policy elsewhere is in other.yaml: propose it there (file: "other.yaml")',
    );
  });
});

describe("what the model may propose", () => {
  const one = (d: Record<string, unknown>) => proposedChanges({ documents: [{ file: "a.yaml", kind: "Policy", name: "p", ...d }] });
  test("refusals name the document and what is wrong", () => {
    expect(one({ yaml: `${policy("p")}---\n${policy("q")}` })).toBe("documents[0].yaml: holds 2 documents; propose each on its own");
    expect(one({ yaml: policy("q") })).toMatch(/^documents\[0\]\.yaml: names Policy q, not p/);
    expect(one({ file: "../outside.yaml", yaml: policy("p") })).toMatch(/relative path/);
    expect(one({ file: "/etc/x.yaml", yaml: policy("p") })).toMatch(/relative path/);
    expect(one({})).toBe("documents[0] needs yaml (the whole document) or delete: true");
    expect(proposedChanges({})).toBe("propose needs documents: a non-empty list");
  });
  test("a leading `---` is dropped (it would open an empty document once spliced)", () => {
    expect(one({ yaml: `---\n${policy("p")}` })).toEqual([{ file: "a.yaml", kind: "Policy", name: "p", yaml: policy("p") }]);
  });
});
