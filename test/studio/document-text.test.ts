/** A document of a spec file as text: its comments belong to it, the `---` lines to the file; replacing one leaves every other byte. */
import { documentText, replaceDocument } from "../../studio/chat/document-text";

const FILE = "# head\nkind: A # c\nname: x\n# trailing a\n---\n# lead b\nkind: B\nname: y\n\n# end\n";

describe("a document of a file as text", () => {
  it("runs from after its `---` line to the next one, comments included", () => {
    expect([documentText(FILE, 0), documentText(FILE, 1), documentText(FILE, 2), documentText(null, 0)]).toEqual([
      "# head\nkind: A # c\nname: x\n# trailing a\n",
      "# lead b\nkind: B\nname: y\n\n# end\n",
      null,
      null,
    ]);
    expect(documentText("---\nkind: A\n---\nkind: B\n", 0)).toBe("kind: A\n");
    expect(documentText("# c\n---\nkind: A\n", 0)).toBe("kind: A\n");
  });

  it("is replaced, appended or removed without touching the rest", () => {
    expect(replaceDocument(FILE, 1, "kind: C\n")).toBe("# head\nkind: A # c\nname: x\n# trailing a\n---\nkind: C\n");
    expect(replaceDocument(FILE, 0, "kind: C\n")).toBe("kind: C\n---\n# lead b\nkind: B\nname: y\n\n# end\n");
    expect(replaceDocument(FILE, 2, "kind: D\n")).toBe(`${FILE}---\nkind: D\n`);
    expect(replaceDocument("kind: A", 1, "kind: D\n")).toBe("kind: A\n---\nkind: D\n");
    expect(replaceDocument(null, 0, "kind: N\n")).toBe("kind: N\n");
    expect(replaceDocument(FILE, 0, null)).toBe("# lead b\nkind: B\nname: y\n\n# end\n");
    expect(replaceDocument(FILE, 1, null)).toBe("# head\nkind: A # c\nname: x\n# trailing a\n");
    expect(replaceDocument("---\nkind: A\n---\nkind: B\n", 0, null)).toBe("---\nkind: B\n");
    expect(replaceDocument("kind: A\n", 0, null)).toBeNull();
    expect(() => replaceDocument(FILE, 3, "kind: D\n")).toThrow(RangeError);
  });
});
