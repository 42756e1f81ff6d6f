import fc from "fast-check";
import { chainRecord, maskPii, verifyChain, type AuditRecord } from "../../executor/audit/audit-chain";
import { canonicalJson } from "../../contracts/canonical-json";
import { confirmBody } from "./support/audit-body";

const body = (i: number) => confirmBody(i);

function chain(n: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let i = 0; i < n; i++) records.push(chainRecord(records[records.length - 1], body(i)));
  return records;
}

describe("audit hash chain", () => {
  it("verifies an untouched chain", () => {
    expect(verifyChain(chain(20))).toBeUndefined();
  });

  it("names the first record that was changed, removed or reordered", () => {
    const changed = chain(10);
    changed[4] = { ...changed[4]!, outcome: { status: 500 } };
    expect(verifyChain(changed)).toEqual({
      chain: 1,
      seq: 5,
      invocationId: "inv-4",
      reason: "its content does not match its hash (the record was changed)",
    });

    const removed = chain(10);
    removed.splice(6, 1);
    expect(verifyChain(removed)?.seq).toBe(8);

    const rehashed = chain(10);
    // Rewriting a record and its own hash still breaks the link from the next record.
    rehashed[2] = chainRecord(rehashed[1], { ...body(2), callerId: "mallory" });
    expect(verifyChain(rehashed)).toMatchObject({ seq: 4, reason: "its previous-hash does not match the record before it" });

    // A record moved to another chain: its hash (version 3) covers its chain.
    const moved = chain(10);
    moved[5] = { ...moved[5]!, chain: 2 };
    expect(verifyChain(moved)).toMatchObject({ chain: 2, seq: 6, reason: "its content does not match its hash (the record was changed)" });
  });

  it("detects any single-field change (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.string({ minLength: 1 }), (index, value) => {
        const records = chain(8);
        const original = records[index]!;
        fc.pre(original.tool !== value);
        records[index] = { ...original, tool: value };
        expect(verifyChain(records)?.seq).toBe(index + 1);
      }),
      { numRuns: 200 },
    );
  });

  it("masks pii input fields and hashes content independently of key order", () => {
    expect(
      maskPii(
        { email: "a@b.c", guests: 2, phone: null },
        { email: { type: "string", pii: true }, guests: { type: "integer" }, phone: { type: "string", pii: true, optional: true } },
      ),
    ).toEqual({
      email: "***",
      guests: 2,
      phone: null,
    });
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});

describe("canonical JSON", () => {
  // The first, allocation-heavy definition: the loop version must produce the same text, so
  // records hashed before it still verify.
  const reference = (value: unknown): string => {
    if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
    if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
  };

  it("is byte for byte the reference definition on any JSON-like value", () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.constant(undefined),
        fc.boolean(),
        fc.double(),
        fc.integer(),
        fc.string({ unit: "binary" }),
        fc.array(tie("value")),
        fc.dictionary(fc.string({ unit: "binary" }), tie("value")),
      ),
    })).value;
    fc.assert(
      fc.property(json, (v) => expect(canonicalJson(v)).toBe(reference(v))),
      { numRuns: 2000 },
    );
  });
});
