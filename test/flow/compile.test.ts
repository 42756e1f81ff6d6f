/** What the flow compiler decides for shapes the example app does not have. */
import { IMPLICIT_CONFLICT_RETRY } from "../../compiler/flow/timing";
import { MAX_COMBINATIONS } from "../../compiler/flow/runs";
import { chain, charge, compileOne, email, http, loadOrder, tool, transitionOrder, tx, updateOrder, type Obj } from "../risk/support";

const runs = (steps: { op: string; node?: string; transaction?: string; scope?: string }[]) =>
  steps.map((s) => (s.op === "run" ? s.node : `${s.op}:${s.transaction ?? s.scope}`));
const when = (from: string, to: string, value: boolean | string): Obj => ({ from, to, when: value });
const ifFlag = (id: string): Obj => ({ id, type: "if", condition: "input.flag" });
const note = (id: string): Obj => ({ id, type: "transform", value: "'x'" });

describe("run order", () => {
  it("keeps a transaction contiguous even when declaration order would interleave an outside node", () => {
    // Declared r, x, w: a plain topological sort by declaration gives s, r, x, w, splitting tx.
    const c = compileOne(
      tool(
        [
          note("s"),
          loadOrder("r", { where: { id: "input.orderId" } }),
          note("x"),
          updateOrder("w", { where: { id: "nodes.r.id" } }),
          tx(["r", "w"]),
        ],
        [...chain("s", "r", "w"), { from: "s", to: "x" }],
      ),
    );
    expect(runs(c.plan.steps)).toEqual(["s", "begin:tx", "r", "w", "commit:tx", "x"]);
  });

  it("places a retry scope with the same nodes as a transaction outside it, and a retry inside a transaction on a savepoint", () => {
    const outer = compileOne(
      tool(
        [
          loadOrder(),
          updateOrder(),
          tx(["load", "save"]),
          { id: "again", type: "retry", nodes: ["load", "save"], policy: { maxAttempts: 2, retryOn: ["conflict"] } },
        ],
        chain("load", "save"),
      ),
    );
    expect(runs(outer.plan.steps)).toEqual(["retryStart:again", "begin:tx", "load", "save", "commit:tx", "retryEnd:again"]);
    const inner = compileOne(
      tool(
        [
          loadOrder(),
          http(),
          updateOrder(),
          { id: "again", type: "retry", nodes: ["call"], policy: { maxAttempts: 2 } },
          tx(["load", "again", "save"]),
        ],
        chain("load", "call", "save"),
      ),
    );
    expect(runs(inner.plan.steps)).toEqual(["begin:tx", "load", "retryStart:again", "call", "retryEnd:again", "save", "commit:tx"]);
    expect(inner.plan.retryScopes[0]).toEqual(expect.objectContaining({ transaction: "tx", savepoint: true }));
    expect(inner.plan.nodes.call!.retryScopes).toEqual(["again"]);
    expect(inner.plan.nodes.call!.external!.maxAttempts).toBe(6);
  });
});

describe("joins: a node runs iff at least one incoming edge is live", () => {
  it("a diamond after an if always runs the join", () => {
    const c = compileOne(
      tool(
        [note("a"), ifFlag("b"), note("yes"), note("no"), note("d")],
        [...chain("a", "b"), when("b", "yes", true), when("b", "no", false), ...chain("yes", "d"), ...chain("no", "d")],
      ),
    );
    expect(c.plan.nodes.d!.canBeSkipped).toBe(false);
    expect(c.plan.nodes.d!.maySkip).toEqual(["yes", "no"]);
    expect([c.plan.nodes.yes!.canBeSkipped, c.plan.nodes.no!.canBeSkipped]).toEqual([true, true]);
  });

  it("an unconditional edge keeps a node alive when its branch edge is dead", () => {
    const c = compileOne(tool([note("x"), ifFlag("b"), note("d")], [...chain("x", "b"), when("b", "d", true), { from: "x", to: "d" }]));
    expect(c.plan.nodes.d!.canBeSkipped).toBe(false);
    expect(c.plan.branches[0]!.outcomes.find((o) => o.when === false)!.skips).toEqual([]);
  });

  it("a node whose every incoming edge is dead is skipped, and so is what only it leads to", () => {
    const c = compileOne(
      tool([ifFlag("b"), note("t"), note("after"), note("f")], [when("b", "t", true), ...chain("t", "after"), when("b", "f", false)]),
    );
    expect(c.plan.branches[0]!.outcomes).toEqual([
      { when: true, to: ["t"], skips: ["f"] },
      { when: false, to: ["f"], skips: ["t", "after"] },
    ]);
  });

  it("falls back to conservative answers beyond the combination limit, and says so", () => {
    const count = Math.ceil(Math.log2(MAX_COMBINATIONS)) + 1;
    const ids = Array.from({ length: count }, (_, i) => `b${i}`);
    const nodes = [...ids.map(ifFlag), note("end1")];
    const edges = [...ids.slice(1).map((id, i) => when(ids[i]!, id, true)), when(ids[count - 1]!, "end1", true)];
    const c = compileOne(tool(nodes, edges));
    expect(c.plan.approximate).toBe(true);
    expect(c.plan.nodes.end1!.canBeSkipped).toBe(true);
    expect(c.plan.nodes.b0!.canBeSkipped).toBe(false);
  });
});

describe("concurrency strategy", () => {
  it("adds FOR UPDATE to a single-row read that a write in the same transaction modifies", () => {
    const c = compileOne(tool([loadOrder(), updateOrder(), tx(["load", "save"])], chain("load", "save")));
    expect(c.plan.nodes.load!.lock).toEqual({
      mode: "update",
      source: "concurrency",
      transaction: "tx",
      reason: "save writes the row this read returns",
    });
    expect(c.plan.concurrency.strategy).toBe("rowLock");
    expect(c.plan.concurrency.reason).toContain("(added by the compiler)");
  });

  it("raises FOR SHARE to FOR UPDATE for a read-modify-write", () => {
    const c = compileOne(tool([loadOrder("load", { lock: "share" }), updateOrder(), tx(["load", "save"])], chain("load", "save")));
    expect(c.plan.nodes.load!.lock!.mode).toBe("update");
    expect(c.plan.nodes.load!.lock!.reason).toMatch(/^raised from FOR SHARE/);
  });

  it("checks the version when the read and the write are not in one transaction", () => {
    const c = compileOne(tool([loadOrder(), email(), updateOrder(), tx(["save"])], chain("load", "mail", "save")));
    expect(c.plan.nodes.save!.versionCheck).toEqual({
      node: "load",
      reason: expect.stringContaining("save updates it only if the row's version is still the one load read"),
    });
    expect(c.plan.nodes.load!.lock).toBeUndefined();
    expect(c.plan.concurrency.strategy).toBe("optimisticVersion");
  });

  it("runs a check-then-act over many rows serializable with a bounded retry", () => {
    const c = compileOne(
      tool(
        [
          { id: "existing", type: "read", entity: "Order", where: { total: "0" }, limit: 10 },
          {
            id: "make",
            type: "write",
            entity: "Order",
            action: "create",
            set: { total: "size(nodes.existing)", code: "'c'", account: "input.orderId" },
          },
          tx(["existing", "make"]),
        ],
        chain("existing", "make"),
      ),
    );
    expect(c.plan.transactions[0]).toEqual(
      expect.objectContaining({
        isolation: "serializable",
        isolationSource: "concurrency",
        conflictRetry: { implicit: IMPLICIT_CONFLICT_RETRY },
      }),
    );
    expect(c.plan.concurrency).toEqual(
      expect.objectContaining({
        strategy: "serializableRetry",
        reason: expect.stringContaining("make writes after existing read a set of rows (check, then act)"),
      }),
    );
    expect(c.plan.concurrency.reason).toContain("raised from the default readCommitted");
  });

  it("needs nothing for a single-statement write by key", () => {
    const c = compileOne(tool([transitionOrder("pay", "paid", { id: "input.orderId" }), tx(["pay"])]));
    expect(c.plan.concurrency.strategy).toBe("none");
    expect(c.plan.concurrency.reason).toMatch(/^single-statement writes by key/);
  });
});

describe("deadlines and compensations", () => {
  it("gives an external node without timeout the default, never past the tool's deadline", () => {
    const c = compileOne(tool([http("call", { timeout: undefined, retry: undefined })], [], { timeout: "4s" }));
    expect(c.plan.nodes.call!.external).toEqual(expect.objectContaining({ attemptTimeoutMs: 4000, timeoutSource: "default" }));
    const d = compileOne(tool([http("call", { timeout: undefined })], [], { timeout: undefined }));
    expect(d.plan.deadline).toEqual({ ms: 30_000, source: "default" });
    expect(d.plan.nodes.call!.external!.attemptTimeoutMs).toBe(10_000);
  });

  it("arms a compensation only where the charge may have happened", () => {
    const c = compileOne(
      tool(
        [loadOrder(), ifFlag("paid"), charge(), email("other"), email("after")],
        [
          ...chain("load", "paid"),
          when("paid", "charge", true),
          when("paid", "other", false),
          ...chain("charge", "after"),
          ...chain("other", "after"),
        ],
      ),
    );
    expect([c.plan.nodes.charge!.armed, c.plan.nodes.other!.armed, c.plan.nodes.after!.armed]).toEqual([["charge"], [], ["charge"]]);
  });
});
