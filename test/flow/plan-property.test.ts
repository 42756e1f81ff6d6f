/**
 * Property: random valid flows (every node type, branches, nested transaction and retry scopes,
 * extra edges) always compile to a plan whose order respects every edge, whose steps nest, and in
 * which every write inside a transaction scope runs between that scope's begin and commit; the
 * risk analysis never throws. Every generated spec must pass the real loader first.
 */
import fc from "fast-check";
import { compileTool } from "../../compiler/flow/compile";
import { assessTool, entityMap } from "../../risk/engine";
import { formatDiagnostic } from "../../loader/diagnostics";
import { loadSpecObjects } from "../../loader/load";

type Obj = Record<string, unknown>;

const ITEM = {
  kind: "Entity",
  name: "Item",
  fields: { name: { type: "string" }, qty: { type: "integer" } },
  status: {
    initial: "draft",
    states: ["draft", "active", "archived"],
    transitions: [
      { from: "draft", to: "active" },
      { from: "active", to: "archived" },
    ],
  },
};

const KINDS = [
  "read",
  "update",
  "create",
  "transition",
  "delete",
  "transform",
  "if",
  "switch",
  "assert",
  "policyCheck",
  "email",
  "http",
  "payment",
  "sqlRead",
  "sqlWrite",
] as const;
type Kind = (typeof KINDS)[number];

function makeNode(id: string, kind: Kind, variant: number): Obj {
  const retry = variant % 2 === 0 ? { retry: { maxAttempts: 1 + (variant % 4), initialInterval: "50ms" } } : {};
  const timeout = variant % 3 === 0 ? {} : { timeout: `${1 + (variant % 5)}s` };
  switch (kind) {
    case "read":
      return { id, type: "read", entity: "Item", where: { id: "input.id" }, one: true, ...(variant % 3 === 1 ? { lock: "update" } : {}) };
    case "update":
      return {
        id,
        type: "write",
        entity: "Item",
        action: "update",
        where: variant % 4 === 0 ? { qty: "input.qty" } : { id: "input.id" },
        set: { qty: "1" },
      };
    case "create":
      return { id, type: "write", entity: "Item", action: "create", set: { name: "'n'", qty: "1" } };
    case "transition":
      return {
        id,
        type: "write",
        entity: "Item",
        action: "transition",
        where: { id: "input.id" },
        to: variant % 2 ? "active" : "archived",
      };
    case "delete":
      return { id, type: "write", entity: "Item", action: "delete", where: { id: "input.id" } };
    case "transform":
      return { id, type: "transform", value: "input.qty + 1" };
    case "if":
      return { id, type: "if", condition: "input.flag" };
    case "switch":
      return { id, type: "switch", value: "input.kind", cases: ["a", "b"] };
    case "assert":
      return { id, type: "assert", condition: "input.qty > 0", error: { code: "BAD", status: 422, message: "bad" } };
    case "policyCheck":
      return { id, type: "policyCheck", rule: "'staff' in caller.roles" };
    case "email":
      return { id, type: "email", to: "'a@example.com'", subject: "'s'", body: "'b'", ...retry, ...timeout };
    case "http":
      return {
        id,
        type: "http",
        method: (["GET", "POST", "PUT", "PATCH"] as const)[variant % 4],
        url: "'https://example.com'",
        ...(variant % 5 === 0 ? { headers: { "Idempotency-Key": "input.id" } } : {}),
        ...retry,
        ...timeout,
      };
    case "payment":
      return {
        id,
        type: "payment",
        action: "charge",
        amount: "100",
        currency: "'eur'",
        ...(variant % 2 ? { compensate: "refund" } : {}),
        ...retry,
        ...timeout,
      };
    case "sqlRead":
      return { id, type: "sql", mode: "read", query: variant % 2 ? "SELECT 1 AS one" : "SELECT id FROM item FOR UPDATE" };
    case "sqlWrite":
      return { id, type: "sql", mode: "write", query: "UPDATE item SET qty = 0 WHERE id = $1", params: ["input.id"] };
  }
}

interface Interval {
  start: number;
  end: number;
}

const flowArbitrary = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      kinds: fc.array(fc.constantFrom(...KINDS), { minLength: n, maxLength: n }),
      variants: fc.array(fc.nat(59), { minLength: n, maxLength: n }),
      preds: fc.array(fc.nat(1000), { minLength: n, maxLength: n }),
      extra: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n }),
      labels: fc.array(fc.nat(2), { minLength: 2 * n + 2, maxLength: 2 * n + 2 }),
      cuts: fc.array(fc.nat(n - 1), { minLength: 4, maxLength: 4 }),
      txCount: fc.nat(2),
      retry: fc.option(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: 1, max: 3 }), fc.boolean())),
      timeout: fc.boolean(),
      isPublic: fc.boolean(),
    }),
  )
  .map((g) => {
    const ids = g.kinds.map((k, i) => `${k}${i}`);
    const sorted = [...g.cuts].sort((a, b) => a - b);
    const txs: Interval[] = [];
    if (g.txCount >= 1) txs.push({ start: sorted[0]!, end: sorted[1]! });
    if (g.txCount >= 2 && sorted[2]! > sorted[1]!) txs.push({ start: sorted[2]!, end: sorted[3]! });
    let retry: Interval | undefined;
    if (g.retry) {
      const [a, b] = g.retry;
      const r = { start: Math.min(a, b), end: Math.max(a, b) };
      const inside = (x: Interval, y: Interval) => x.start >= y.start && x.end <= y.end;
      const disjoint = (x: Interval, y: Interval) => x.end < y.start || y.end < x.start;
      if (txs.every((t) => inside(r, t) || inside(t, r) || disjoint(r, t))) retry = r;
    }
    const scopes = [...txs, ...(retry ? [retry] : [])];
    // Each node's first predecessor lies inside its innermost scope that it does not start, so
    // every scope's members are connected; intervals of a topological numbering are contiguous.
    const edges: Obj[] = [];
    const keys = new Set<string>();
    let label = 0;
    const addEdge = (from: number, to: number) => {
      const kind = g.kinds[from]!;
      const pick = g.labels[label++ % g.labels.length]!;
      const when = kind === "if" ? pick % 2 === 0 : kind === "switch" ? (["a", "b", "default"] as const)[pick] : undefined;
      const key = `${from}-${to}-${String(when)}`;
      if (keys.has(key)) return;
      keys.add(key);
      edges.push(when === undefined ? { from: ids[from], to: ids[to] } : { from: ids[from], to: ids[to], when });
    };
    for (let i = 1; i < g.n; i++) {
      const within = scopes.filter((s) => s.start < i && i <= s.end).sort((a, b) => b.start - a.start)[0];
      const low = within ? within.start : 0;
      addEdge(low + (g.preds[i]! % (i - low)), i);
    }
    for (const [a, b] of g.extra) if (a !== b) addEdge(Math.min(a, b), Math.max(a, b));
    const span = (s: Interval) => ids.slice(s.start, s.end + 1);
    const nodes: Obj[] = g.kinds.map((k, i) => makeNode(ids[i]!, k, g.variants[i]!));
    txs.forEach((t, i) =>
      nodes.push({ id: `tx${i}`, type: "transaction", nodes: span(t), ...(i === 1 ? { isolation: "serializable" } : {}) }),
    );
    if (retry) {
      const [, , attempts, conflict] = g.retry!;
      // A retry scope that covers a transaction exactly lists the transaction by name.
      const same = txs.findIndex((t) => t.start === retry!.start && t.end === retry!.end);
      nodes.push({
        id: "again",
        type: "retry",
        nodes: same >= 0 ? [`tx${same}`] : span(retry),
        policy: { maxAttempts: attempts, ...(conflict ? { retryOn: ["conflict"] } : {}) },
      });
    }
    const spec = {
      kind: "Tool",
      name: "generated",
      trigger: { http: { method: "POST", path: "/items/{id}" } },
      input: { id: { type: "uuid" }, flag: { type: "boolean" }, kind: { type: "enum", values: ["a", "b"] }, qty: { type: "integer" } },
      ...(g.isPublic ? { auth: { public: true } } : { auth: { roles: ["staff"] } }),
      ...(g.timeout ? { timeout: "20s" } : {}),
      flow: { nodes, edges },
    };
    return { spec, txMembers: txs.map((t, i) => [`tx${i}`, span(t)] as const) };
  });

describe("compiling random valid flows", () => {
  it("orders by every edge, nests steps, keeps writes inside their transaction, and never throws", () => {
    fc.assert(
      fc.property(flowArbitrary, ({ spec, txMembers }) => {
        const loaded = loadSpecObjects([ITEM, spec]);
        if (!loaded.ok)
          throw new Error(
            `generator produced an invalid spec:\n${loaded.diagnostics.map(formatDiagnostic).join("\n")}\n${JSON.stringify(spec)}`,
          );
        const compiled = compileTool(loaded.specs.tools.get("generated")!.spec, entityMap(loaded.specs));
        const assessment = assessTool(compiled);
        const { plan } = compiled;

        const position = new Map(plan.order.map((id, i) => [id, i]));
        expect(plan.order.length).toBe(position.size);
        expect(position.size).toBe(spec.flow.nodes.filter((n) => n.type !== "transaction" && n.type !== "retry").length);
        for (const e of spec.flow.edges) expect(position.get(e.from as string)!).toBeLessThan(position.get(e.to as string)!);
        expect(plan.steps.flatMap((s) => (s.op === "run" ? [s.node] : []))).toEqual(plan.order);

        // Steps nest like brackets.
        const open: string[] = [];
        for (const s of plan.steps) {
          if (s.op === "begin") open.push(`tx:${s.transaction}`);
          if (s.op === "retryStart") open.push(`retry:${s.scope}`);
          if (s.op === "commit") expect(open.pop()).toBe(`tx:${s.transaction}`);
          if (s.op === "retryEnd") expect(open.pop()).toBe(`retry:${s.scope}`);
        }
        expect(open).toEqual([]);

        // Every member of a transaction — every write in particular — runs between its begin and commit.
        for (const [txId, members] of txMembers) {
          const begin = plan.steps.findIndex((s) => s.op === "begin" && s.transaction === txId);
          const commit = plan.steps.findIndex((s) => s.op === "commit" && s.transaction === txId);
          expect(begin).toBeGreaterThanOrEqual(0);
          expect(commit).toBeGreaterThan(begin);
          for (const id of members) {
            const at = plan.steps.findIndex((s) => s.op === "run" && s.node === id);
            expect(at > begin && at < commit).toBe(true);
            expect(plan.nodes[id]!.transaction).toBe(txId);
          }
          const inside = plan.steps.slice(begin + 1, commit).flatMap((s) => (s.op === "run" ? [s.node] : []));
          expect(inside.sort()).toEqual([...members].sort());
        }
        for (const id of plan.order) {
          const node = plan.nodes[id]!;
          const writes = node.type === "write" || (node.spec.type === "sql" && node.spec.mode === "write");
          if (writes && node.transaction === null) expect(assessment.findings.some((f) => f.rule === "R001" && f.node === id)).toBe(true);
          for (const seen of node.maySkip) expect(node.sees).toContain(seen);
          for (const seen of node.sees) expect(compiled.flow.ancestors.get(id)!.has(seen)).toBe(true);
        }

        expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
        expect(["green", "yellow", "red"]).toContain(assessment.risk);
      }),
      { numRuns: 300 },
    );
  });
});
